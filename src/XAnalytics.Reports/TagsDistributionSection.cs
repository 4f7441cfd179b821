using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Internal;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>tags_distribution.csv</c>: edX's <c>TagsDistributionPerCourse</c> (<c>edx/analytics/tasks/insights/tags_dist.py</c>,
/// <c>mapper</c> and <c>reducer</c>): per course and problem, the submissions and correct submissions, once per tag
/// value of the problem's latest submission.
/// </summary>
/// <remarks>
/// A submission is a server <c>problem_check</c> with a valid <c>context.course_id</c>, event data, and a
/// <c>problem_id</c>; it is correct when <c>event.success</c> is <c>correct</c>. The tags are
/// <c>context.asides.tagging_aside.saved_tags</c> of the problem's latest submission (by time): a problem whose latest
/// submission has none has no rows; a tag whose value is a list gives a row per value. Organizations are the course
/// id's. Rows are sorted by course, problem, tag and value (edX's order is a dictionary's).
/// </remarks>
public sealed class TagsDistributionSection : IPartialAggregate<TagsDistributionPartial>, IReportSection
{
    /// <summary>The name <c>--only</c> selects the section by.</summary>
    public const string SectionName = "tags_distribution";

    private static readonly FieldPath s_savedTags = FieldPath.Parse("context.asides.tagging_aside.saved_tags");

    private readonly EventFacts _facts;

    internal TagsDistributionSection(EventFacts facts)
    {
        _facts = facts;
        Part = AggregatePart.Of(this);
    }

    /// <summary>The rows; null until the run has ended.</summary>
    public IReadOnlyList<TagsDistributionRow>? Rows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["tags_distribution.csv", "tags_distribution.parquet"];

    IAggregatePart IReportSection.Part => Part;

    private IAggregatePart Part { get; }

    /// <inheritdoc/>
    public TagsDistributionPartial CreatePartial() => new();

    /// <inheritdoc/>
    public void Accumulate(TagsDistributionPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch, out EventPayloads payloads);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            // event.problem_id and event.success from the batch's shared payload (the problem tables open the same
            // events), not two nested lookups that index the payload again each.
            if (!ServerProblemCheck.Is(in f)
                || !target.EventData.HasData(batch, i, f)
                || !payloads.TryOpen(batch, i, out EdxEventData ev)
                || !ev.TryGet("problem_id"u8, out FieldValue p) || p.Kind != JsonTokenType.String || p.Utf8.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<byte> problemId = Unescaped(target, p);
            TagsProblem problem = Find(target, f.Course, problemId);
            problem.Total++;
            if (ev.TryGet("success"u8, out FieldValue success) && success.Kind == JsonTokenType.String && success.Utf8.SequenceEqual("correct"u8))
            {
                problem.Correct++;
            }

            ReadOnlySpan<byte> tags = batch.TryGetField(i, s_savedTags, out FieldValue saved) && saved.Kind == JsonTokenType.StartObject ? saved.RawJson : default;
            problem.Offer(f.Ticks, tags);
        }
    }

    /// <inheritdoc/>
    public void Merge(TagsDistributionPartial into, TagsDistributionPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        foreach (KeyValuePair<(int Course, ulong Problem), List<TagsProblem>> kv in from.Problems)
        {
            foreach (TagsProblem problem in kv.Value)
            {
                TagsProblem merged = Find(into, kv.Key.Course, problem.ProblemId);
                merged.Total += problem.Total;
                merged.Correct += problem.Correct;
                merged.Offer(problem.LatestTicks, problem.LatestTags);
            }
        }
    }

    /// <inheritdoc/>
    public void Complete(TagsDistributionPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<TagsDistributionRow>();
        foreach (KeyValuePair<(int Course, ulong Problem), List<TagsProblem>> kv in result.Problems)
        {
            string course = _facts.Courses.Name(kv.Key.Course);
            string org = CourseKey.TryParse(course.AsSpan(), out CourseKey key) ? key.Org : string.Empty;
            foreach (TagsProblem problem in kv.Value)
            {
                if (problem.LatestTags is null)
                {
                    continue;
                }

                string module = Encoding.UTF8.GetString(problem.ProblemId);
                using JsonDocument? tags = EdxJson.TryParse(problem.LatestTags);
                if (tags is null)
                {
                    continue; // nested deeper than EdxJson.MaxDepth
                }

                foreach (JsonProperty tag in tags.RootElement.EnumerateObject())
                {
                    if (tag.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement value in tag.Value.EnumerateArray())
                        {
                            rows.Add(new TagsDistributionRow(course, org, module, tag.Name, Text(value), problem.Total, problem.Correct));
                        }
                    }
                    else if (tag.Value.ValueKind == JsonValueKind.Object)
                    {
                        // edX iterates a value that is not a string: an object gives its keys (tags_dist.py's reducer).
                        foreach (JsonProperty member in tag.Value.EnumerateObject())
                        {
                            rows.Add(new TagsDistributionRow(course, org, module, tag.Name, member.Name, problem.Total, problem.Correct));
                        }
                    }
                    else
                    {
                        rows.Add(new TagsDistributionRow(course, org, module, tag.Name, Text(tag.Value), problem.Total, problem.Correct));
                    }
                }
            }
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.CourseId, b.CourseId);
            c = c != 0 ? c : string.CompareOrdinal(a.ModuleId, b.ModuleId);
            c = c != 0 ? c : string.CompareOrdinal(a.TagName, b.TagName);
            return c != 0 ? c : string.CompareOrdinal(a.TagValue, b.TagValue);
        });
        Rows = rows;
        // Nothing reads the partial after its rows are built: drop its tables before the next section builds its rows.
        result.Problems.Clear();
        result.Problems.TrimExcess();
    }

    /// <inheritdoc/>
    public string StateName => "report.tags-distribution";

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses (by canonical id), then per problem (course, problem id bytes, in that order): submissions, correct
    /// ones, the latest submission's time (zigzag ticks) and its tags (a varint 0/1 flag, then the bytes).
    /// </remarks>
    public void WritePartial(TagsDistributionPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        var used = new HashSet<int>();
        foreach ((int course, ulong _) in state.Problems.Keys)
        {
            used.Add(course);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, used);
        var entries = new List<(int Course, TagsProblem Problem)>();
        foreach (KeyValuePair<(int Course, ulong Problem), List<TagsProblem>> kv in state.Problems)
        {
            foreach (TagsProblem problem in kv.Value)
            {
                entries.Add((courses[kv.Key.Course], problem));
            }
        }

        entries.Sort(static (a, b) => a.Course != b.Course ? a.Course.CompareTo(b.Course) : a.Problem.ProblemId.AsSpan().SequenceCompareTo(b.Problem.ProblemId));
        writer.WriteUInt((ulong)entries.Count);
        foreach ((int course, TagsProblem problem) in entries)
        {
            writer.WriteUInt((ulong)course);
            writer.WriteBytes(problem.ProblemId);
            writer.WriteUInt((ulong)problem.Total);
            writer.WriteUInt((ulong)problem.Correct);
            writer.WriteInt(problem.LatestTicks);
            writer.WriteUInt(problem.LatestTags is null ? 0UL : 1UL);
            if (problem.LatestTags is not null)
            {
                writer.WriteBytes(problem.LatestTags);
            }
        }
    }

    /// <inheritdoc/>
    public TagsDistributionPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var partial = new TagsDistributionPartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        int n = reader.ReadCount();
        for (int i = 0; i < n; i++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            TagsProblem problem = Find(partial, course, reader.ReadBytes());
            problem.Total += (long)reader.ReadUInt();
            problem.Correct += (long)reader.ReadUInt();
            long ticks = reader.ReadInt();
            ReadOnlySpan<byte> tags = reader.ReadUInt() == 1 ? reader.ReadBytes() : default;
            problem.Offer(ticks, tags);
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using var table = new ReportTable(directory, "tags_distribution", format, ReportTable.Text("course_id"), ReportTable.Text("org_id"), ReportTable.Text("module_id"),
            ReportTable.Text("tag_name"), ReportTable.Text("tag_value"), ReportTable.Count("total_submissions"), ReportTable.Count("correct_submissions"));
        foreach (TagsDistributionRow r in Rows ?? [])
        {
            table.Add(r.CourseId).Add(r.OrgId).Add(r.ModuleId).Add(r.TagName).Add(r.TagValue).Add(r.TotalSubmissions).Add(r.CorrectSubmissions).EndRow();
        }

        table.Complete();
        written.Add(table.FileName);
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<TagsDistributionRow> rows = Rows ?? [];
        html.Append("<h2>Problem tags (edX)</h2>\n<p class=\"note\">Submissions and correct submissions per problem and tag value "
            + "(edX's tags distribution, tags_dist.py; problems tagged through the tagging aside only). <a href=\"tags_distribution.csv\">tags_distribution.csv</a></p>\n");
        ReportWriter.Table(html, ["course", "problem", "tag", "value", "submissions", "correct"], rows.Count, i =>
        {
            TagsDistributionRow r = rows[i];
            return [r.CourseId, r.ModuleId, r.TagName, r.TagValue, ReportWriter.N(r.TotalSubmissions), ReportWriter.N(r.CorrectSubmissions)];
        }, numeric: [4, 5]);
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static TagsProblem Find(TagsDistributionPartial target, int course, ReadOnlySpan<byte> problemId)
    {
        ref List<TagsProblem>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(target.Problems, (course, XxHash3.HashToUInt64(problemId)), out _);
        list ??= [];
        foreach (TagsProblem known in list)
        {
            if (problemId.SequenceEqual(known.ProblemId))
            {
                return known;
            }
        }

        var problem = new TagsProblem(problemId.ToArray());
        list.Add(problem);
        return problem;
    }

    private static ReadOnlySpan<byte> Unescaped(TagsDistributionPartial target, in FieldValue v)
    {
        if (!v.HasEscapes)
        {
            return v.Utf8;
        }

        if (target.Unescaped.Length < v.Utf8.Length)
        {
            target.Unescaped = new byte[v.Utf8.Length * 2];
        }

        return target.Unescaped.AsSpan(0, JsonBytes.Unescape(v.Utf8, target.Unescaped));
    }
}
