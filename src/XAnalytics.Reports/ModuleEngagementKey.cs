using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>
/// The key of one <c>module_engagement</c> count: day, course, learner and entity (their texts hashed, see
/// <see cref="EdxStringTable"/>), and the interaction.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct ModuleEngagementKey(int Day, int Course, ulong User, ModuleEngagementEntity Entity, ulong EntityId, ModuleEngagementAction Action);
