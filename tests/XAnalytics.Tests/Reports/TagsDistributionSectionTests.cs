using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>tags_distribution.csv: edX's tags distribution (tags_dist.py).</summary>
public sealed class TagsDistributionSectionTests : IDisposable
{
    private const string Course = "course-v1:OrgX+C1+2015_T1";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xanalytics-edx-tags-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// edX's <c>TagsDistributionAcceptanceTest</c> (test_tags_dist.py) runs <c>TagsDistributionWorkflow --interval
    /// 2010-01-01-2020-01-01</c> over tags_dist_acceptance_tracking.log and expects these 30 rows (in its test in
    /// another order: a set).
    /// </summary>
    [EdxCorpusFact]
    public async Task TagsDistLog_AsEdxAcceptanceTest()
    {
        var options = new ReportOptions { From = new DateOnly(2010, 1, 1), To = new DateOnly(2019, 12, 31), Only = [TagsDistributionSection.SectionName] };
        using LearnerReports reports = await ReportTestKit.RunAsync([EdxCorpus.File("tags_dist_acceptance_tracking.log")], options, allowRejects: true);
        ReportWriter.Write(reports, _dir.FullName);

        (string[] header, _) = ReportTestKit.ReadCsv(Path.Combine(_dir.FullName, "tags_distribution.csv"));
        Assert.Equal(["course_id", "org_id", "module_id", "tag_name", "tag_value", "total_submissions", "correct_submissions"], header);
        Assert.Equal(
        [
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@08783e85ddae5a58a590bd3f828b4d6d,difficulty,Medium,9,2",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@08783e85ddae5a58a590bd3f828b4d6d,learning_outcome,Learned everything,9,2",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@236b8c618c8b213d5e4ae27bc41821ae,difficulty,Easy,10,2",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@236b8c618c8b213d5e4ae27bc41821ae,learning_outcome,Learned a few things,10,2",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@ec44920729dd6c4a4267bbebcec2bb49,difficulty,Medium,9,5",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@ec44920729dd6c4a4267bbebcec2bb49,learning_outcome,Learned everything,9,5",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@fbe2b0266347569d559ddfb62af77fe5,difficulty,Medium,3,0",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@fbe2b0266347569d559ddfb62af77fe5,learning_outcome,Learned everything,3,0",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@fed6c06e3d6c938c42df71c68675763b,difficulty,Medium,3,2",
            "course-v1:edX+E929+2014_T2,edX,block-v1:edX+E929+2014_T2+type@problem+block@fed6c06e3d6c938c42df71c68675763b,learning_outcome,Learned a few things,3,2",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@325af68222c277c757418041ae59993c,difficulty,Hard,4,2",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@325af68222c277c757418041ae59993c,learning_outcome,Learned nothing,4,2",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@8e984b587e5391af139838aded9d8748,difficulty,Hard,2,0",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@8e984b587e5391af139838aded9d8748,learning_outcome,Learned nothing,2,0",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@a4d38fc85c83ace7e0fd6d48d6398e16,difficulty,Medium,10,3",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@a4d38fc85c83ace7e0fd6d48d6398e16,learning_outcome,Learned nothing,10,3",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@c3d12293b899f2391da08a1a16a6eb7b,difficulty,Hard,6,1",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@c3d12293b899f2391da08a1a16a6eb7b,learning_outcome,Learned nothing,6,1",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@f21b06e4a7379093749341c007a4c090,difficulty,Easy,5,0",
            "course-v1:edX+E930+2014_T2,edX,block-v1:edX+E930+2014_T2+type@problem+block@f21b06e4a7379093749341c007a4c090,learning_outcome,Learned a few things,5,0",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@1173afcc141d3adc4aeec9da61171075,difficulty,Medium,9,5",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@1173afcc141d3adc4aeec9da61171075,learning_outcome,Learned nothing,9,5",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@1942cad42cf93df04e924bb9cfbe0c4c,difficulty,Medium,4,2",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@1942cad42cf93df04e924bb9cfbe0c4c,learning_outcome,Learned a few things,4,2",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@91c2765bec7b14b6199ea7cf10c155cf,difficulty,Hard,10,3",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@91c2765bec7b14b6199ea7cf10c155cf,learning_outcome,Learned everything,10,3",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@c417f140ca09ad44e3645886ab84bd9f,difficulty,Medium,7,4",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@c417f140ca09ad44e3645886ab84bd9f,learning_outcome,Learned a few things,7,4",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@e711a09faece5b49e836ce5211d512e7,difficulty,Medium,9,4",
            "course-v1:edX+E931+2014_T2,edX,block-v1:edX+E931+2014_T2+type@problem+block@e711a09faece5b49e836ce5211d512e7,learning_outcome,Learned everything,9,4",
        ],
        ReportTestKit.Lines(Path.Combine(_dir.FullName, "tags_distribution.csv")));
    }

    private static string Check(string time, string problem, string success, string? tags, string source = "server")
    {
        string asides = tags is null ? "" : $", \"asides\": {{\"tagging_aside\": {{\"saved_tags\": {tags}}}}}";
        return $"{{\"username\": \"learner_a\", \"event_type\": \"problem_check\", \"event_source\": \"{source}\", \"time\": \"{time}\", "
            + $"\"context\": {{\"course_id\": \"{Course}\"{asides}}}, \"event\": {{\"problem_id\": \"{problem}\", \"success\": \"{success}\"}}}}";
    }

    [Fact]
    public async Task LatestSubmissionsTags_CountAllSubmissions_ListValuesSplit()
    {
        string log = Path.Combine(_dir.FullName, "tracking.log");
        await File.WriteAllLinesAsync(log,
        [
            Check("2015-03-02T10:00:00+00:00", "p1", "correct", """{"difficulty": "Hard", "outcome": ["a", "b"]}"""),
            Check("2015-03-01T10:00:00+00:00", "p1", "incorrect", """{"difficulty": "Easy"}"""),
            Check("2015-03-01T11:00:00+00:00", "p1", "correct", null, source: "browser"),
            Check("2015-03-01T10:00:00+00:00", "p2", "correct", """{"difficulty": "Easy"}"""),
            Check("2015-03-03T10:00:00+00:00", "p2", "correct", null),
        ]);
        using LearnerReports reports = await ReportTestKit.RunAsync([log], new ReportOptions { Only = [TagsDistributionSection.SectionName] }, batchEvents: 2);
        TagsDistributionSection section = reports.Section<TagsDistributionSection>()!;

        // p1: two server submissions (the browser one is not counted), the later one's tags; p2: its latest submission
        // has no tags, so no rows.
        Assert.Equal(
            ["OrgX p1 difficulty Hard 2 1", "OrgX p1 outcome a 2 1", "OrgX p1 outcome b 2 1"],
            section.Rows!.Select(r => $"{r.OrgId} {r.ModuleId} {r.TagName} {r.TagValue} {r.TotalSubmissions} {r.CorrectSubmissions}"));
    }
}
