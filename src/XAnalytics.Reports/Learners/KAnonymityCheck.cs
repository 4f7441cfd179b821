namespace XAnalytics.Reports.Learners;

/// <summary>The result of checking a released table for k-anonymity (<see cref="PersonCourseRelease.Check"/>).</summary>
/// <param name="K">The k checked for.</param>
/// <param name="Rows">Rows of the table.</param>
/// <param name="Classes">Distinct combinations of the quasi-identifiers.</param>
/// <param name="SmallestClass">Learners in the smallest combination (0 for an empty table).</param>
/// <param name="ClassesUnderK">Combinations holding fewer than <paramref name="K"/> learners.</param>
public sealed record KAnonymityCheck(int K, int Rows, int Classes, int SmallestClass, int ClassesUnderK)
{
    /// <summary>True when every combination holds at least <see cref="K"/> learners.</summary>
    public bool IsKAnonymous => ClassesUnderK == 0;
}
