namespace XAnalytics.Internal;

/// <summary>
/// Work done ahead on a thread-pool thread so that later work finds it done (code jitted, a renderer loaded): only a
/// head start, so its faults are swallowed; what it prepares is prepared again, and fails visibly, where it is used.
/// </summary>
internal static class HeadStart
{
    public static Task Run(Action work) => Task.Run(() =>
    {
        try
        {
            work();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The code that needs it does the same work when it gets there.
        }
    });
}
