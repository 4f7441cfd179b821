using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

[StructLayout(LayoutKind.Auto)]
internal struct EnrollmentCounts
{
    public long Activations;
    public long Deactivations;
    public long ModeChanges;
}
