using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The end of a report's run builds the sections' rows one after the other (<see cref="SequentialCompletion"/>): each
/// section drops its partial's tables once its rows are built, the wrapper keeps the partial files' names, and the
/// rows are those of an unwrapped section.
/// </summary>
public sealed class SequentialCompletionTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-sequential-completion-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> SectionNames => [.. Sections()];

    [Fact]
    public void LearnerReports_EverySection_WrappedWithItsOwnStateName()
    {
        using LearnerReports reports = LearnerReports.Create(new ReportOptions());
        string name = reports.Aggregate.StateName;
        foreach (IReportSection section in reports.Sections)
        {
            var part = new SequentialCompletion(section.Part, new StrongBox<long>());
            Assert.Equal(((IPartialAggregatePart)section.Part).StateName, part.StateName);
            Assert.Equal(((IPartialAggregatePart)section.Part).StateVersion, part.StateVersion);
            Assert.Contains("report." + section.Name.Replace('_', '-'), name, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SectionNames))]
    public async Task Complete_ThroughTheWrapper_SameFilesAndThePartialsTablesEmptied(string name)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        if (!Directory.Exists(archive))
        {
            await TestArchives.GenerateAsync(archive, events: 4_000, files: 2, courses: 2, learners: 80, days: 10);
        }

        // Without edX's acceptance logs, made-up link clicks (the generated archive has none).
        string[] inputs = EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive, ReportTestKit.LinkClicks(Path.Combine(_dir.FullName, "links"))];
        using LearnerReports plain = LearnerReports.Create(new ReportOptions { Only = [name] });
        using LearnerReports wrapped = LearnerReports.Create(new ReportOptions { Only = [name] });
        IReportSection expected = Assert.Single(plain.Sections), actual = Assert.Single(wrapped.Sections);
        object plainPartial = await AccumulateAsync(expected.Part, inputs);
        object partial = await AccumulateAsync(actual.Part, inputs);
        Assert.True(Tables(partial).Any(t => t.Count > 0), $"{name}: the partial holds entries before it is completed");

        expected.Part.Complete(plainPartial);
        new SequentialCompletion(actual.Part, new StrongBox<long>()).Complete(partial);

        foreach ((string table, int count) in Tables(partial))
        {
            Assert.True(count == 0, $"{name}: {partial.GetType().Name}.{table} still holds {count} entries once completed");
        }

        Assert.Equal(Files(expected, "plain-" + name), Files(actual, "wrapped-" + name));
    }

    private static IEnumerable<string> Sections()
    {
        using LearnerReports reports = LearnerReports.Create(new ReportOptions());
        foreach (IReportSection section in reports.Sections)
        {
            // The course pages' files also draw the video and engagement sections' rows, not completed here.
            if (section is not CoursePagesSection)
            {
                yield return section.Name;
            }
        }
    }

    private static async Task<object> AccumulateAsync(IAggregatePart part, string[] inputs)
    {
        object partial = part.CreatePartial();
        var pipeline = new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = inputs },
            Threads = 2,
            BatchEvents = 500,
            RejectsPath = null,
        };
        await EventPipeline.RunAsync(pipeline, [], new OnePartialSink(part, partial)).WaitAsync(TimeSpan.FromSeconds(60));
        return partial;
    }

    /// <summary>The partial's collections (dictionaries, sets, lists; not its scratch arrays), by property name, with their counts.</summary>
    private static List<(string Name, int Count)> Tables(object partial)
    {
        var tables = new List<(string, int)>();
        foreach (PropertyInfo property in partial.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.GetIndexParameters().Length == 0 && !property.PropertyType.IsArray && property.PropertyType != typeof(string)
                && property.GetValue(partial) is IEnumerable items and not Array)
            {
                int count = 0;
                foreach (object? _ in items)
                {
                    count++;
                }

                tables.Add((property.Name, count));
            }
        }

        return tables;
    }

    private string[] Files(IReportSection section, string tag) => SectionFiles.Read(section, _dir.FullName, tag);

    /// <summary>Folds every batch into one partial, one batch at a time (an action block runs one at once).</summary>
    private sealed class OnePartialSink(IAggregatePart part, object partial) : IEventSink
    {
        public bool RequiresInputOrder => false;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context) => new ActionBlock<EventBatch>(batch =>
        {
            using (batch)
            {
                part.Accumulate(partial, batch);
                context.Counters.AddWritten(batch.Count);
            }
        });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
