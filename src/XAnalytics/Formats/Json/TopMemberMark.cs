namespace XAnalytics.Formats.Json;

/// <summary>A builder's position between two top-level members (<see cref="Utf8JsonBuilder.MarkTopMember"/>).</summary>
internal readonly record struct TopMemberMark(int Length, int TopCount, bool First, int ValueStart);
