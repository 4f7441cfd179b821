namespace XAnalytics.Reports;

/// <summary>
/// One count of <see cref="ModuleEngagementSection"/> as a worker hands it to its learner bucket
/// (<see cref="HeldRecords{T}"/>, spilled by <see cref="BucketSpill{T}"/>): the key and the interactions counted under it
/// since the worker's table last emptied (32 bytes, no references). A key may come in several records (from several
/// workers, or from one worker's table emptied more than once): the end of the run adds them up.
/// </summary>
/// <param name="Key">The day, course, learner, entity and action.</param>
/// <param name="Count">Interactions.</param>
internal readonly record struct ModuleEngagementRecord(ModuleEngagementKey Key, long Count)
{
    /// <summary>
    /// The order a bucket is sorted in before its equal keys are added up: learner, course, entity type and action,
    /// entity id, day. A learner's records in a course are then together (one learner of the week's summary), and so are
    /// the records of one kind of interaction with one entity (its distinct entities are counted by changes of id).
    /// </summary>
    public readonly struct LearnerOrder : IComparer<ModuleEngagementRecord>
    {
        public int Compare(ModuleEngagementRecord x, ModuleEngagementRecord y)
        {
            ModuleEngagementKey a = x.Key, b = y.Key;
            int c = a.User.CompareTo(b.User);
            c = c != 0 ? c : a.Course.CompareTo(b.Course);
            c = c != 0 ? c : a.Kind.CompareTo(b.Kind);
            c = c != 0 ? c : a.EntityId.CompareTo(b.EntityId);
            return c != 0 ? c : a.Day.CompareTo(b.Day);
        }
    }
}
