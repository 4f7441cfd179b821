using XAnalytics.Settings;

namespace XAnalytics.Tests.Settings;

public sealed class SettingsStackTests : IDisposable
{
    private readonly SettingsTestFiles _files = new();
    private readonly SettingsStack _stack;

    public SettingsStackTests()
    {
        _files.Write("etc/xanalytics", "output-dir: /base\nthreads: 2\n");
        _stack = new SettingsStack(_files.Load());
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Push_Override_WinsOverLoadedValue()
    {
        _stack.Push(SettingKeys.OutputDir, "/pushed");

        Assert.Equal("/pushed", _stack.Current.OutputDir);
        Assert.Equal(2, _stack.Current.Threads);
        Assert.Equal(1, _stack.Depth);
        Assert.Contains(new SettingEntry("output-dir", "/pushed", "override"), _stack.Current.Describe());
    }

    [Fact]
    public void Pop_AfterPush_RestoresPreviousSettings()
    {
        XAnalyticsSettings before = _stack.Current;
        _stack.Push(SettingKeys.OutputDir, "/pushed");

        _stack.Pop();

        Assert.Same(before, _stack.Current);
        Assert.Equal("/base", _stack.Current.OutputDir);
        Assert.Equal(0, _stack.Depth);
    }

    [Fact]
    public void Push_NestedScopes_LatestWinsAndDisposeUnwinds()
    {
        using (_stack.Push(new Dictionary<string, string?> { ["output-dir"] = "/one", ["threads"] = "3" }))
        {
            using (_stack.Push(SettingKeys.Threads, "4"))
            {
                Assert.Equal("/one", _stack.Current.OutputDir);
                Assert.Equal(4, _stack.Current.Threads);
            }

            Assert.Equal(3, _stack.Current.Threads);
        }

        Assert.Equal("/base", _stack.Current.OutputDir);
        Assert.Equal(2, _stack.Current.Threads);
    }

    [Fact]
    public void Dispose_OutOfOrder_RemovesOnlyThatLayer()
    {
        IDisposable first = _stack.Push(SettingKeys.Threads, "5");
        IDisposable second = _stack.Push(SettingKeys.OutputDir, "/two");

        first.Dispose();

        Assert.Equal(2, _stack.Current.Threads);
        Assert.Equal("/two", _stack.Current.OutputDir);
        second.Dispose();
        Assert.Equal(0, _stack.Depth);
    }

    [Fact]
    public void Dispose_Twice_DoesNothingMore()
    {
        _stack.Push(SettingKeys.Threads, "5");
        IDisposable scope = _stack.Push(SettingKeys.Threads, "6");

        scope.Dispose();
        scope.Dispose();

        Assert.Equal(5, _stack.Current.Threads);
        Assert.Equal(1, _stack.Depth);
    }

    [Fact]
    public void Push_NullValue_HidesKeyUntilPopped()
    {
        using (_stack.Push(SettingKeys.OutputDir, null))
        {
            Assert.Null(_stack.Current.OutputDir);
            Assert.Throws<SettingsException>(() => _stack.Current.GetRequiredPath(SettingKeys.OutputDir));
        }

        Assert.Equal("/base", _stack.Current.OutputDir);
    }

    [Fact]
    public void Push_WrongType_ThrowsAndLeavesStackUnchanged()
    {
        XAnalyticsSettings before = _stack.Current;

        var ex = Assert.Throws<SettingsException>(() => _stack.Push(SettingKeys.MaxFileSize, "lots"));

        Assert.StartsWith("override: 'max-file-size' must be a positive integer", ex.Message, StringComparison.Ordinal);
        Assert.Same(before, _stack.Current);
        Assert.Equal(0, _stack.Depth);
    }

    [Fact]
    public void Push_PathOverride_ExpandsWithLoadEnvironment()
    {
        _files.Environment["OUT"] = "/env-out";

        using (_stack.Push(SettingKeys.OutputDir, "$OUT/x"))
        {
            Assert.Equal("/env-out/x", _stack.Current.OutputDir);
        }
    }

    [Fact]
    public void Pop_Empty_ThrowsInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(_stack.Pop);
    }
}
