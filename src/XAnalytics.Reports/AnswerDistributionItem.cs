namespace XAnalytics.Reports;

/// <summary>One row of <see cref="AnswerDistributionRowList"/>: its course index, its counts, and its texts' ids.</summary>
internal readonly record struct AnswerDistributionItem(
    int Course, int ModuleId, int PartId, bool Correct, int First, int Last, int ValueId, int AnswerValue, int Variant, int DisplayName, int Question);
