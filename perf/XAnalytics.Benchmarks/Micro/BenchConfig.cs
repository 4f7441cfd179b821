using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace XAnalytics.Benchmarks.Micro;

/// <summary>Every micro-benchmark: memory diagnoser, plus MB/s and ns/event over <see cref="BenchData"/>'s sample.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(ThroughputColumn.MegabytesPerSecond, ThroughputColumn.NanosecondsPerEvent);
        HideColumns(Column.Error, Column.StdDev);
        AddColumn(StatisticColumn.StdDev);
    }
}

/// <summary>
/// Throughput of one operation, which processes the whole sample: MB/s of JSON text (uncompressed, even when the
/// benchmark reads gzip) and nanoseconds per event.
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    public static readonly IColumn MegabytesPerSecond = new ThroughputColumn("MB/s", perEvent: false);
    public static readonly IColumn NanosecondsPerEvent = new ThroughputColumn("ns/event", perEvent: true);

    private readonly bool _perEvent;

    private ThroughputColumn(string name, bool perEvent)
    {
        ColumnName = name;
        _perEvent = perEvent;
    }

    public string Id => nameof(ThroughputColumn) + "." + ColumnName;
    public string ColumnName { get; }
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => _perEvent ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => _perEvent
        ? $"Mean time divided by the {BenchData.SampleEvents} events of the sample"
        : "JSON text bytes of the sample (uncompressed) per second, in 10^6 bytes";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0)
        {
            return "-";
        }

        BenchData data = BenchData.Shared;
        return _perEvent
            ? (meanNs.Value / data.Events).ToString("N1", style.CultureInfo)
            : (data.Json.Length / meanNs.Value * 1e3).ToString("N0", style.CultureInfo);
    }

    public override string ToString() => ColumnName;
}
