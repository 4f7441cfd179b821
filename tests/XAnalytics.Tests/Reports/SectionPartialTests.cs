using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Pipeline;
using XAnalytics.Reports;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// Each report section's partial state (<see cref="IPartialAggregate{TPartial}"/>) round-trips: batches dealt to three
/// partials, each written, read back by the same section of another report (its own course table, as a merging process
/// has), merged and completed give the rows the original partials give merged in place; a read-back partial writes the
/// same bytes again; a cut-short state is an <see cref="InvalidDataException"/>.
/// </summary>
public sealed class SectionPartialTests : IDisposable
{
    private const int Partials = 3;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-section-partials-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static readonly string[] s_sectionNames =
    [
        VideoSection.SectionName,
        ModuleEngagementSection.SectionName,
        ActiveUsersWeeklySection.SectionName,
        CoursewareLinkClickedSection.SectionName,
        CoursePagesSection.SectionName,
        EnrollmentSection.SectionName,
        ForumActivitySection.SectionName,
        TagsDistributionSection.SectionName,
        ProblemResponseSection.SectionName,
        AnswerDistributionSection.SectionName,
    ];

    public static TheoryData<string> SectionNames => [.. s_sectionNames];

    [Fact]
    public void Sections_EveryOneOfReportSections_IsWritableWithReportStateName()
    {
        using LearnerReports reports = LearnerReports.Create(new ReportOptions());
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (IReportSection section in reports.Sections)
        {
            Type? partial = Array.Find(section.GetType().GetInterfaces(), i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IPartialAggregate<>));
            Assert.True(partial is not null, $"{section.Name} cannot write its partial");
            string state = (string)partial.GetProperty(nameof(IPartialAggregate<object>.StateName))!.GetValue(section)!;
            Assert.Equal("report." + section.Name.Replace('_', '-'), state);
            Assert.True(names.Add(state), state);
        }

        Assert.Equal(s_sectionNames.Length, names.Count);
    }

    [Theory]
    [MemberData(nameof(SectionNames))]
    public async Task Section_PartialsWrittenReadBackAndMerged_SameRowsAsMergedInPlace(string name)
    {
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 6_000, files: 4, courses: 3, learners: 150, days: 15);
        // Without edX's acceptance logs, made-up link clicks (the generated archive has none).
        string[] inputs = EdxCorpus.Directory is { } corpus ? [archive, corpus] : [archive, ReportTestKit.LinkClicks(Path.Combine(_dir.FullName, "links"))];
        var options = new ReportOptions();
        using LearnerReports one = LearnerReports.Create(options);
        using LearnerReports two = LearnerReports.Create(options);
        IReportSection original = Find(one, name), reread = Find(two, name);
        switch (original)
        {
            case VideoSection video:
                await RoundTripAsync(video, (VideoSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(video.Videos!);
                break;
            case ModuleEngagementSection engagement:
                await RoundTripAsync(engagement, (ModuleEngagementSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(engagement.Rows!);
                break;
            case ActiveUsersWeeklySection active:
                await RoundTripAsync(active, (ActiveUsersWeeklySection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(active.Rows!);
                break;
            case CoursewareLinkClickedSection links:
                await RoundTripAsync(links, (CoursewareLinkClickedSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(links.Rows!); // from edX's acceptance log, or the made-up clicks without it

                break;
            case CoursePagesSection pages:
                // The pages take weekly activity's counts: it runs first in both reports, as in a run.
                await FoldAsync(one.Weekly, inputs);
                await FoldAsync(two.Weekly, inputs);

                // The pages' rows (their files also draw the video and engagement sections' rows, not completed here).
                await RoundTripAsync(pages, (CoursePagesSection)reread, inputs, () => Rows(pages.Pages!), () => Rows(((CoursePagesSection)reread).Pages!));
                Assert.NotEmpty(pages.Pages!);
                break;
            case EnrollmentSection enrollment:
                await RoundTripAsync(enrollment, (EnrollmentSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(enrollment.Daily!);
                Assert.NotEmpty(enrollment.Summary!);
                break;
            case ForumActivitySection forum:
                await RoundTripAsync(forum, (ForumActivitySection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(forum.Daily!);
                break;
            case TagsDistributionSection tags:
                await RoundTripAsync(tags, (TagsDistributionSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                if (EdxCorpus.Directory is not null)
                {
                    Assert.NotEmpty(tags.Rows!); // edX's tags acceptance log
                }

                break;
            case ProblemResponseSection responses:
                await RoundTripAsync(responses, (ProblemResponseSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(responses.Rows!);
                break;
            case AnswerDistributionSection answers:
                await RoundTripAsync(answers, (AnswerDistributionSection)reread, inputs, () => Files(original, "one"), () => Files(reread, "two"));
                Assert.NotEmpty(answers.Rows!);
                break;
            default:
                Assert.Fail($"{name}: no round trip written for {original.GetType().Name}");
                break;
        }
    }

    [Fact]
    public async Task LearnerSections_EveryWorkersPartial_NamesLearnersFromOneTable()
    {
        // Each partial of each learner section used to hold its own usernames: a learner's name six times on two cores.
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 6_000, files: 4, courses: 3, learners: 150, days: 15);
        using LearnerReports reports = LearnerReports.Create(new ReportOptions());
        var active = (ActiveUsersWeeklySection)Find(reports, ActiveUsersWeeklySection.SectionName);
        var forum = (ForumActivitySection)Find(reports, ForumActivitySection.SectionName);
        var engagement = (ModuleEngagementSection)Find(reports, ModuleEngagementSection.SectionName);
        ActiveUsersWeeklyPartial[] a = [active.CreatePartial(), active.CreatePartial()];
        ForumActivityPartial[] f = [forum.CreatePartial(), forum.CreatePartial()];
        ModuleEngagementPartial[] m = [engagement.CreatePartial(), engagement.CreatePartial()];
        await DealAsync(active, a, [archive]);
        await DealAsync(forum, f, [archive]);
        await DealAsync(engagement, m, [archive]);

        (string[] names, Dictionary<ulong, int> rank) = a[0].Names.Ranks();
        Assert.True(names.Length > 100, $"{names.Length} learners named");
        Assert.Equal(names.Length, rank.Count); // each learner once
        foreach (string[] other in new[] { a[1].Names.Ranks().Sorted, f[0].Users.Ranks().Sorted, f[1].Users.Ranks().Sorted, m[0].Users.Ranks().Sorted, m[1].Users.Ranks().Sorted })
        {
            Assert.Same(names, other); // one table, ranked once for all
        }

        // Entity ids stay the partial's own: they are not learners.
        Assert.NotSame(m[0].Entities.Ranks().Sorted, m[1].Entities.Ranks().Sorted);
    }

    [Fact]
    public async Task ActiveUsersPartial_WithTheRunsSharedTable_WritesOnlyItsOwnLearners()
    {
        // The table holds every worker's learners; a worker's partial file names only those of its own pairs (written
        // whole, a partial would carry every learner of the run into each shard's file, and the bytes would change).
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 6_000, files: 4, courses: 3, learners: 5_000, days: 15);
        using LearnerReports reports = LearnerReports.Create(new ReportOptions());
        var active = (ActiveUsersWeeklySection)Find(reports, ActiveUsersWeeklySection.SectionName);
        ActiveUsersWeeklyPartial[] partials = [.. Enumerable.Range(0, 6).Select(_ => active.CreatePartial())];
        await DealAsync(active, partials, [archive]);
        var writer = new PartialWriter();
        active.WritePartial(partials[0], writer);
        int written = new PartialReader(writer.WrittenSpan.ToArray(), "first.xap").ReadCount(); // its texts come first
        int run = partials[0].Names.Ranks().Sorted.Length;

        active.Complete(partials[0]);
        int own = active.Rows!.Select(r => r.Username).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(own, written);
        Assert.True(written < run, $"{written} of the run's {run} learners");
    }

    [Fact]
    public async Task Report_CompletedAgainFromANewPartial_DoesNotFail()
    {
        // The usernames' ranks are let go once the sections have built their rows; a second completion (an embedder's)
        // threw ObjectDisposedException there until a review found it.
        string archive = Path.Combine(_dir.FullName, "archive");
        await TestArchives.GenerateAsync(archive, events: 2_000, files: 2, courses: 2, learners: 100, days: 7);
        using LearnerReports reports = await ReportTestKit.RunAsync([archive], new ReportOptions(), allowRejects: true);
        Assert.NotEmpty(reports.Section<ActiveUsersWeeklySection>()!.Rows!);

        reports.Aggregate.Complete(reports.Aggregate.CreatePartial());

        Assert.Empty(reports.Section<ActiveUsersWeeklySection>()!.Rows!); // the new partial held no event
    }

    /// <summary>Deals <paramref name="inputs"/>' batches round-robin to <paramref name="partials"/>.</summary>
    private static async Task DealAsync<T>(IPartialAggregate<T> aggregate, T[] partials, string[] inputs)
        where T : class
    {
        var pipeline = new PipelineOptions
        {
            Source = new FileSourceOptions { Inputs = inputs },
            Threads = 2,
            BatchEvents = 200,
            RejectsPath = null,
        };
        await EventPipeline.RunAsync(pipeline, [], new DealingSink<T>(aggregate, partials)).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static IReportSection Find(LearnerReports reports, string name)
    {
        foreach (IReportSection section in reports.Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        throw new InvalidOperationException($"no section {name}");
    }

    /// <summary>Folds <paramref name="inputs"/> into one partial of <paramref name="aggregate"/> and completes it.</summary>
    private static async Task FoldAsync(WeeklyActivityReport aggregate, string[] inputs)
    {
        WeeklyActivityPartial[] partials = [aggregate.CreatePartial()];
        await DealAsync(aggregate, partials, inputs);
        aggregate.Complete(partials[0]);
    }

    private static async Task RoundTripAsync<T>(IPartialAggregate<T> original, IPartialAggregate<T> reread, string[] inputs, Func<string[]> expected, Func<string[]> actual)
        where T : class
    {
        T[] partials = [.. Enumerable.Range(0, Partials).Select(_ => original.CreatePartial())];
        await DealAsync(original, partials, inputs);

        var states = new byte[Partials][];
        for (int i = 0; i < Partials; i++)
        {
            var writer = new PartialWriter();
            original.WritePartial(partials[i], writer);
            states[i] = writer.WrittenSpan.ToArray();
        }

        Assert.True(states.Count(s => s.Length > 8) >= 2, "at least two partials hold entries");

        var read = new T[Partials];
        for (int i = 0; i < Partials; i++)
        {
            var reader = new PartialReader(states[i], $"state-{i}");
            read[i] = reread.ReadPartial(reader);
            Assert.True(reader.AtEnd, $"state {i} read to its end");

            // Written again (by the other report, whose course ids differ): the same bytes.
            var again = new PartialWriter();
            reread.WritePartial(read[i], again);
            Assert.True(states[i].AsSpan().SequenceEqual(again.WrittenSpan), $"state {i} written again differs");
        }

        // Cut short anywhere: an error naming the file, never a crash or a wrong partial.
        byte[] longest = states.MaxBy(s => s.Length)!;
        for (int cut = 0; cut < longest.Length; cut += Math.Max(1, longest.Length / 40))
        {
            Assert.Throws<InvalidDataException>(() => reread.ReadPartial(new PartialReader(longest.AsMemory(0, cut), "cut.xap")));
        }

        for (int i = 1; i < Partials; i++)
        {
            original.Merge(partials[0], partials[i]);
        }

        original.Complete(partials[0]);
        T merged = reread.CreatePartial();
        foreach (T partial in read)
        {
            reread.Merge(merged, partial);
        }

        reread.Complete(merged);
        string[] want = expected();
        Assert.True(want.Length > 0, "rows to compare");
        Assert.Equal(want, actual());
    }

    /// <summary>The section's files (CSVs) as written, name then content.</summary>
    private string[] Files(IReportSection section, string tag) => SectionFiles.Read(section, _dir.FullName, tag);

    private static string[] Rows<TRow>(IReadOnlyList<TRow> rows) => [.. rows.Select(r => r!.ToString()!)];

    /// <summary>Deals batches round-robin to the partials (one at a time: an action block runs one batch at once).</summary>
    private sealed class DealingSink<T>(IPartialAggregate<T> aggregate, T[] partials) : IEventSink
        where T : class
    {
        private int _next;

        public bool RequiresInputOrder => false;

        public ITargetBlock<EventBatch> CreateBlock(StageContext context) => new ActionBlock<EventBatch>(batch =>
        {
            using (batch)
            {
                aggregate.Accumulate(partials[_next++ % partials.Length], batch);
                context.Counters.AddWritten(batch.Count);
            }
        });

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
