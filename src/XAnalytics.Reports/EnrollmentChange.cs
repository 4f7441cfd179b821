namespace XAnalytics.Reports;

internal enum EnrollmentChange : byte
{
    None,
    Activated,
    Deactivated,
    ModeChanged,
}
