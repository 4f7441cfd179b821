using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using XAnalytics.Aggregates;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// <c>video.csv</c> and <c>video_timeline.csv</c>: edX's video engagement (edx-analytics-pipeline,
/// <c>edx/analytics/tasks/insights/video.py</c>), computed as edX computes it:
/// <list type="number">
/// <item><c>UserVideoViewingTask.mapper</c>: <c>play_video</c>, <c>pause_video</c>, <c>seek_video</c> and <c>stop_video</c>
/// events of any <c>event_source</c>, with a <c>context.user_id</c>, a course (<c>context.course_id</c>, else the
/// course in the URL: <c>get_course_id(event, from_url=True)</c>) and a non-blank <c>event.id</c> (stripped: the
/// <c>encoded_module_id</c>); the offset each needs (<c>currentTime</c> of a play or stop, of a pause defaulting to 0
/// when absent, <c>new_time</c> and <c>old_time</c> of a seek) must read as a number between 0 and 36000 seconds
/// (<c>_check_time_offset</c>), else the event is dropped; <c>event.duration</c> when truthy, else unknown (-1).</item>
/// <item><c>UserVideoViewingTask.reducer</c>: each learner's events on a video, sorted by time (ties as edX's tuples sort:
/// type name, offsets, a play's YouTube id, then duration; see <see cref="VideoEventRecord.CompareTo"/>), make
/// viewings: a play starts one (at the <c>new_time</c> of the seek that ended the previous viewing, if one did, as edX
/// trusts a seek over the next play's <c>currentTime</c>; else at the play's <c>currentTime</c>), and the next pause,
/// stop (at <c>currentTime</c>) or seek (at <c>old_time</c>) ends it. A viewing is dropped when it ends past its
/// video's known duration + 1, before it starts, or less than 0.25 s after it starts; a play during a viewing starts
/// a new one; a viewing never ended is dropped.</item>
/// <item><c>VideoUsageTask.reducer</c>: per course and video, every 5-second segment a viewing touches
/// (<c>int(offset) / 5</c> from start to end, both included) counts a view and the learner. The duration is the
/// longest the viewings' play events gave, or unknown if any was unknown; then the last segment is the one before the
/// first sharp drop from the end (<c>get_final_segment</c>: a later segment with at most 5% of the learners, edX's
/// <c>dropoff_threshold</c> in its configurations) and the duration is that segment's end - 1; else the last segment is
/// <c>int(duration) / 5</c>. Segments are written in order up to and including the last one (as edX's loop, which stops
/// only on meeting it). <c>users_at_start</c>: learners in segment 0; <c>users_at_end</c>: learners in the segment of
/// <c>max(duration - 30, 0.95 duration)</c> (<c>complete_end_segment</c>).</item>
/// <item>Between the two jobs a viewing is text: its offsets and a float duration are read back as Python 2's
/// <c>str</c> wrote them, 12 significant digits (<see cref="PythonFloats.ThroughStr"/>). A <c>user_id</c> is
/// <c>int(user_id)</c> (see <see cref="EventFacts"/>).</item>
/// <item><c>VideoDataTask</c> (Hive): <c>total_viewed_seconds</c> = the written segments' views summed, times 5.</item>
/// </list>
/// The dates are <c>report</c>'s <c>--from</c>/<c>--to</c> (edX's <c>--interval</c>, whose end is exclusive): a viewing
/// counts when its events are in them. edX asks YouTube for the duration of a video with none when configured with an
/// API key; without one (its tests) the duration stays unknown, as here.
/// </summary>
/// <remarks>
/// Memory: edX's reducer needs a learner's events on a video in time order, and an archive's files do not arrive in
/// it, so each kept video event is kept as a 64-byte <see cref="VideoKeyedRecord"/> until the end of the run. A worker
/// holds them in a block per bucket (<see cref="LearnerBuckets.Count"/>, by a hash of the learner and video), each
/// written to the scratch folder (<see cref="BucketSpill{T}"/>, LZ4) when full (<see cref="DefaultBlockRecords"/>). At the end the buckets are taken one at a time: a bucket's records are
/// sorted in place by video, then learner and time, and each video's run folded into that video's segments.
/// A learner's events on a video are in one bucket (and part) only, so the segments' distinct learners add up across
/// buckets, and the duration (the
/// largest known, or unknown for good) does not depend on the order viewings come in: the rows are those of one
/// sort of all the events. Memory: the held records, one bucket, and per video its segments' counters.
/// </remarks>
public sealed class VideoSection : IPartialAggregate<VideoPartial>, IReportSection
{
    /// <summary>Seconds per segment (<c>VIDEO_VIEWING_SECONDS_PER_SEGMENT</c>).</summary>
    public const int SegmentSeconds = 5;

    /// <summary>The drop-off threshold edX's configurations set (<c>[videos] dropoff_threshold = 0.05</c>).</summary>
    public const double DropoffThreshold = 0.05;

    private const double MaximumOffset = 3600 * 10.0; // VIDEO_MAXIMUM_DURATION
    private const double UnknownDuration = -1; // VIDEO_UNKNOWN_DURATION
    private const double MinimumViewing = 0.25; // VIDEO_VIEWING_MINIMUM_LENGTH

    private readonly EventFacts _facts;
    private readonly BucketSpill<VideoKeyedRecord> _spill;
    private readonly VideoCodes _codes = new();
    private readonly long _partBytes;

    internal VideoSection(EventFacts facts, ReportOptions options)
    {
        _facts = facts;
        _spill = new BucketSpill<VideoKeyedRecord>(options.ScratchDirectory, "video");
        BlockRecords = options.VideoBlockRecords ?? DefaultBlockRecords;
        _partBytes = options.CompletionPartBytes ?? LearnerBuckets.PartBytes;
        Part = AggregatePart.Of(this);
    }

    /// <summary>
    /// Records per learner bucket a worker holds before it writes them to the scratch folder: 1024 (56 KiB, under the
    /// large object heap's threshold), so a worker holds at most 0.9 MiB of records.
    /// </summary>
    internal const int DefaultBlockRecords = 1024;

    /// <summary>Records per held block (<see cref="DefaultBlockRecords"/> unless a test says otherwise).</summary>
    internal int BlockRecords { get; }

    /// <summary>The section's scratch files (for tests).</summary>
    internal BucketSpill<VideoKeyedRecord> Spill => _spill;

    /// <summary>The section's name for <c>--only</c>.</summary>
    public const string SectionName = "video";

    /// <summary>One row per video, by <c>pipeline_video_id</c>; null until the run has ended.</summary>
    public IReadOnlyList<VideoRow>? Videos { get; private set; }

    /// <summary>One row per watched segment, by <c>pipeline_video_id</c> and segment; null until the run has ended. Kept compact: each row is made when read.</summary>
    public IReadOnlyList<VideoTimelineRow>? Timeline => TimelineRows;

    /// <summary><see cref="Timeline"/> as it is kept, for the course pages' charts; null until the run has ended.</summary>
    internal VideoTimelineRowList? TimelineRows { get; private set; }

    string IReportSection.Name => SectionName;

    IReadOnlyList<string> IReportSection.Files { get; } = ["video.csv", "video_timeline.csv", "video.parquet", "video_timeline.parquet"];

    /// <inheritdoc cref="IReportSection.Part"/>
    internal IAggregatePart Part { get; }

    IAggregatePart IReportSection.Part => Part;

    /// <inheritdoc/>
    public VideoPartial CreatePartial() => new(_spill, BlockRecords, _codes);

    /// <inheritdoc/>
    public void Accumulate(VideoPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batch);
        ReadOnlySpan<EventFact> facts = _facts.Read(batch, out EventPayloads payloads);
        for (int i = 0; i < facts.Length; i++)
        {
            ref readonly EventFact f = ref facts[i];
            if (!f.Kept || f.Family != EventFamily.Video || f.User == 0 || f.Course < 0 || f.ContextCourseInvalid)
            {
                continue;
            }

            // video.py reads int(user_id): 1.0, " 7 " and -3 are learners 1, 7 and -3 (rare: read again only then).
            long user = f.User;
            if (EventFacts.IsHashed(user) && !TryIntUser(batch, i, ref user))
            {
                continue;
            }

            // The type as the facts read it (once per event, compared unescaped).
            VideoEventKind kind;
            switch (f.Type)
            {
                case KnownEventType.PlayVideo:
                    kind = VideoEventKind.Play;
                    break;
                case KnownEventType.PauseVideo:
                    kind = VideoEventKind.Pause;
                    break;
                case KnownEventType.SeekVideo:
                    kind = VideoEventKind.Seek;
                    break;
                case KnownEventType.StopVideo:
                    kind = VideoEventKind.Stop;
                    break;
                default:
                    continue;
            }

            // Opened once for every section that reads it (module engagement reads the same plays).
            if (!payloads.TryOpen(batch, i, out EdxEventData ev) || !ev.TryGet("id"u8, out FieldValue idValue))
            {
                continue;
            }

            byte[] scratch = target.Scratch;
            ReadOnlySpan<byte> id = EdxValues.StrippedString(idValue, ref scratch);
            target.Scratch = scratch;
            if (id.IsEmpty)
            {
                continue;
            }

            double duration = UnknownDuration;
            bool durationIsFloat = false;
            if (ev.TryGet("duration"u8, out FieldValue d) && EdxValues.TryTruthyFloat(d, out double parsed))
            {
                duration = parsed;
                durationIsFloat = d.Kind == JsonTokenType.Number && PythonFloats.IsFloat(d.Utf8);
            }

            double current, old = 0;
            switch (kind)
            {
                case VideoEventKind.Pause:
                    // A pause at the very start may carry no currentTime: edX reads 0 then (a null is still dropped).
                    if (!ev.TryGet("currentTime"u8, out FieldValue pause))
                    {
                        current = 0;
                    }
                    else if (!TryOffset(pause, out current))
                    {
                        continue;
                    }

                    break;
                case VideoEventKind.Seek:
                    if (!ev.TryGet("new_time"u8, out FieldValue newTime) || !TryOffset(newTime, out current)
                        || !ev.TryGet("old_time"u8, out FieldValue oldTime) || !TryOffset(oldTime, out old))
                    {
                        continue;
                    }

                    break;
                default:
                    if (!ev.TryGet("currentTime"u8, out FieldValue time) || !TryOffset(time, out current))
                    {
                        continue;
                    }

                    break;
            }

            ulong module = target.Modules.Add(id); // before the code: both may be unescaped into the partial's buffer

            // A play's YouTube id: its code unless html5, mobile or hls (edX's VIDEO_CODES), which its reducer sorts on.
            int youTube = 0;
            if (kind == VideoEventKind.Play && ev.TryGet("code"u8, out FieldValue code) && code.Kind == JsonTokenType.String)
            {
                youTube = target.CodeNumber(code);
            }

            target.Add(new VideoKeyedRecord(new VideoEventRecord(user, f.Ticks, kind, current, old, duration, youTube, durationIsFloat), f.Course, module));
        }
    }

    /// <inheritdoc/>
    public void Merge(VideoPartial into, VideoPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        into.Records.MergeFrom(from.Records);
        into.Modules.Merge(from.Modules);
    }

    /// <inheritdoc/>
    public void Complete(VideoPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            // The videos met so far and their segments, which every bucket's learners add to.
            var index = new Dictionary<(int Course, ulong Module), int>();
            var videos = new List<(int Course, ulong Module, VideoUsage Usage)>();
            var bucket = new RecordBuffer<VideoKeyedRecord>();
            var learner = new LearnerSegments();
            int parts = result.Records.PartsFor(_partBytes);
            CompletionParts = parts;
            for (int at = 0; at < LearnerBuckets.Count * parts; at++)
            {
                // A large bucket in parts (a learner video's records all in one): what is held at a time stays bounded.
                int b = at / parts, part = at % parts;
                bucket.Clear();
                result.Records.ReadBucket(b, bucket, new LearnerPart(part, parts), parts);
                if (part == parts - 1)
                {
                    result.Records.ReleaseBucket(b);
                }

                // Sorted in place by video, then learner and time, and each video's run folded: no copy of the bucket
                // (placing the records by video first took a second array of 48 bytes a record, 13.5 MB over 8M events).
                Span<VideoKeyedRecord> records = bucket.Span;
                records.Sort(new ByVideoThenEvent(_codes));
                for (int start = 0; start < records.Length;)
                {
                    int course = records[start].Course;
                    ulong module = records[start].Module;
                    int end = start + 1;
                    while (end < records.Length && records[end].Course == course && records[end].Module == module)
                    {
                        end++;
                    }

                    ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, (course, module), out bool exists);
                    if (!exists)
                    {
                        slot = videos.Count;
                        videos.Add((course, module, new VideoUsage()));
                    }

                    AddViewings(records[start..end], videos[slot].Usage, learner);
                    start = end;
                }
            }

            result.Records.ReleaseHeld();
            result.Records.Owners.Clear(); // its spilled blocks are read: the partial is empty now

            // Videos in pipeline_video_id order.
            var keys = new List<(string Id, string Course, string Module, VideoUsage Usage)>(videos.Count);
            foreach ((int course, ulong module, VideoUsage usage) in videos)
            {
                string courseName = _facts.Courses.Name(course), moduleName = result.Modules[module];
                keys.Add((courseName + "|" + moduleName, courseName, moduleName, usage));
            }

            keys.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));

            // Each video's row and its timeline's length first, then the timeline copied into arrays of that size, each
            // video's counters let go of once copied: no list grown by doubling, no row object per segment.
            var rows = new List<VideoRow>(keys.Count);
            var ends = new int[keys.Count];
            int total = 0;
            for (int k = 0; k < keys.Count; k++)
            {
                (string id, string course, string module, VideoUsage usage) = keys[k];
                if (usage.MaxSegment >= 0)
                {
                    ends[k] = TimelineEnd(usage, out double duration);
                    (int watched, long viewed) = usage.Watched(ends[k]);
                    total = checked(total + watched);
                    rows.Add(VideoOf(id, course, module, usage, duration, viewed));
                }
            }

            // The videos' counters are reachable from keys alone now, each let go of once copied.
            index.Clear();
            videos.Clear();
            var ids = new string[keys.Count];
            var videoKeys = new (string Course, string Module)[keys.Count];
            var starts = new int[keys.Count + 1];
            var segments = new int[total];
            var users = new long[total];
            var views = new long[total];
            int row = 0;
            for (int k = 0; k < keys.Count; k++)
            {
                (string id, string course, string module, VideoUsage usage) = keys[k];
                ids[k] = id;
                videoKeys[k] = (course, module);
                starts[k] = row;
                for (int s = 0; s < ends[k]; s++) // 0 for a video without a kept viewing
                {
                    if (usage.Views[s] != 0)
                    {
                        (segments[row], users[row], views[row]) = (s, usage.Users[s], usage.Views[s]);
                        row++;
                    }
                }

                keys[k] = (id, course, module, null!); // its counters are copied
            }

            starts[keys.Count] = row;
            Videos = rows;
            TimelineRows = new VideoTimelineRowList(ids, videoKeys, starts, segments, users, views);
        }
        finally
        {
            result.Records.Spill.Close();
        }
    }

    /// <summary>Closes the scratch files of a run that failed or was cancelled (see <see cref="LearnerReports.Dispose"/>).</summary>
    internal void CloseSpill() => _spill.Close();

    /// <summary>The parts each learner bucket was read in at the end of the run (<see cref="LearnerBuckets.Parts"/>), for tests; 0 before.</summary>
    internal int CompletionParts { get; private set; }

    /// <inheritdoc/>
    public string StateName => "report.video";

    /// <inheritdoc/>
    public int StateVersion => 2;

    /// <inheritdoc/>
    /// <remarks>
    /// The courses with video events (by canonical id), the videos' encoded module ids (see <see cref="PartialTexts"/>),
    /// the plays' YouTube ids (a count, then each id's bytes, in byte order), then per video (course, module id, in that
    /// order) its kept events: learner key (the run's user key, the same in every process), time (UTC ticks), kind, the
    /// current time, old time and duration as doubles, the YouTube id (its position + 1, 0 for none) and whether the
    /// duration was logged as a float (0 or 1). Each video's
    /// events are sorted first (by <see cref="VideoEventRecord.CompareTo"/>, a total order: the order
    /// <see cref="Complete"/> folds them in anyway), so the bytes do not depend on the order threads met them.
    /// </remarks>
    public void WritePartial(VideoPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        // Every record of the partial, held and spilled, by video (the partial stays as it is).
        var all = new Dictionary<(int Course, ulong Module), List<VideoEventRecord>>();
        var bucket = new RecordBuffer<VideoKeyedRecord>();
        for (int b = 0; b < LearnerBuckets.Count; b++)
        {
            bucket.Clear();
            state.Records.ReadBucket(b, bucket);
            foreach (VideoKeyedRecord r in bucket.Span)
            {
                ref List<VideoEventRecord>? list = ref CollectionsMarshal.GetValueRefOrAddDefault(all, (r.Course, r.Module), out _);
                (list ??= []).Add(r.Event);
            }
        }

        var usedCourses = new HashSet<int>();
        var usedModules = new HashSet<ulong>();
        foreach ((int course, ulong module) in all.Keys)
        {
            usedCourses.Add(course);
            usedModules.Add(module);
        }

        int[] courses = _facts.Courses.WriteSorted(writer, usedCourses);
        Dictionary<ulong, int> modules = PartialTexts.Write(writer, hash => state.Modules[hash], usedModules);

        // The YouTube ids the events name, by their bytes (the order the reducer compares them in).
        var usedCodes = new SortedSet<int>(Comparer<int>.Create(_codes.Compare));
        foreach (List<VideoEventRecord> list in all.Values)
        {
            foreach (VideoEventRecord e in list)
            {
                if (e.YouTube != 0)
                {
                    usedCodes.Add(e.YouTube);
                }
            }
        }

        var codePositions = new Dictionary<int, int>(usedCodes.Count);
        writer.WriteUInt((ulong)usedCodes.Count);
        foreach (int code in usedCodes)
        {
            codePositions.Add(code, codePositions.Count + 1);
            writer.WriteBytes(_codes[code]);
        }

        var videos = new List<(int Course, int Module, List<VideoEventRecord> Events)>(all.Count);
        foreach (KeyValuePair<(int Course, ulong Module), List<VideoEventRecord>> kv in all)
        {
            videos.Add((courses[kv.Key.Course], modules[kv.Key.Module], kv.Value));
        }

        videos.Sort(static (a, b) => a.Course != b.Course ? a.Course.CompareTo(b.Course) : a.Module.CompareTo(b.Module));
        writer.WriteUInt((ulong)videos.Count);
        var byEvent = new ByEvent(_codes);
        foreach ((int course, int module, List<VideoEventRecord> events) in videos)
        {
            events.Sort(byEvent);
            writer.WriteUInt((ulong)course);
            writer.WriteUInt((ulong)module);
            writer.WriteUInt((ulong)events.Count);
            foreach (VideoEventRecord e in events)
            {
                writer.WriteInt(e.User);
                writer.WriteInt(e.Ticks);
                writer.WriteUInt((ulong)e.Kind);
                writer.WriteDouble(e.CurrentTime);
                writer.WriteDouble(e.OldTime);
                writer.WriteDouble(e.Duration);
                writer.WriteUInt(e.YouTube == 0 ? 0 : (ulong)codePositions[e.YouTube]);
                writer.WriteUInt(e.DurationIsFloat ? 1UL : 0);
            }
        }
    }

    /// <inheritdoc/>
    public VideoPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        VideoPartial partial = CreatePartial();
        int[] courses = _facts.Courses.ReadMap(reader);
        ulong[] modules = PartialTexts.Read(reader, partial.Modules.Add);
        var codes = new int[reader.ReadCount() + 1]; // position 0: none
        for (int c = 1; c < codes.Length; c++)
        {
            codes[c] = _codes.Add(reader.ReadBytes());
        }

        int n = reader.ReadCount();
        for (int v = 0; v < n; v++)
        {
            int course = CourseTable.Remap(courses, reader.ReadCount(), reader);
            ulong module = PartialTexts.At(modules, reader.ReadCount(), reader);
            int count = reader.ReadCount();
            for (int e = 0; e < count; e++)
            {
                long user = reader.ReadInt(), ticks = reader.ReadInt();
                ulong kind = reader.ReadUInt();
                if (kind > (ulong)VideoEventKind.Stop)
                {
                    throw reader.Corrupt($"a video event kind of {kind}");
                }

                double current = reader.ReadDouble(), old = reader.ReadDouble(), duration = reader.ReadDouble();
                ulong code = reader.ReadUInt(), durationIsFloat = reader.ReadUInt();
                if (code >= (ulong)codes.Length || durationIsFloat > 1)
                {
                    throw reader.Corrupt($"a video event's YouTube id {code} of {codes.Length - 1} or float flag {durationIsFloat}");
                }

                var record = new VideoEventRecord(user, ticks, (VideoEventKind)kind, current, old, duration, codes[code], durationIsFloat == 1);
                partial.Add(new VideoKeyedRecord(record, course, module));
            }
        }

        return partial;
    }

    void IReportSection.Write(string directory, List<string> written, ReportFormat format)
    {
        using (var table = new ReportTable(directory, "video", format, ReportTable.Text("pipeline_video_id"), ReportTable.Text("course_id"), ReportTable.Text("encoded_module_id"),
            ReportTable.Count("duration"), ReportTable.Count("segment_length"), ReportTable.Count("users_at_start"), ReportTable.Count("users_at_end"),
            ReportTable.Count("total_viewed_seconds")))
        {
            foreach (VideoRow r in Videos ?? [])
            {
                table.Add(r.PipelineVideoId).Add(r.CourseId).Add(r.EncodedModuleId).Add(r.Duration).Add(r.SegmentLength)
                    .Add(r.UsersAtStart).Add(r.UsersAtEnd).Add(r.TotalViewedSeconds).EndRow();
            }

            table.Complete();
            written.Add(table.FileName);
        }

        using (var table = new ReportTable(directory, "video_timeline", format, ReportTable.Text("pipeline_video_id"), ReportTable.Count("segment"),
            ReportTable.Count("num_users"), ReportTable.Count("num_views")))
        {
            TimelineRows?.WriteTo(table);

            table.Complete();
            written.Add(table.FileName);
        }
    }

    void IReportSection.AppendHtml(StringBuilder html)
    {
        IReadOnlyList<VideoRow> videos = Videos ?? [];
        html.Append("<h2>Videos</h2>\n<p class=\"note\">edX's video engagement (video.py): per video, learners at the start and at the end, "
            + "seconds viewed; viewings are play-to-pause/stop/seek spans of 5-second segments. "
            + "<a href=\"video.csv\">video.csv</a>, per segment <a href=\"video_timeline.csv\">video_timeline.csv</a>.</p>\n");
        ReportWriter.Table(html, ["course", "video", "duration (s)", "users at start", "users at end", "seconds viewed"], videos.Count, i =>
        {
            VideoRow r = videos[i];
            return [r.CourseId, r.EncodedModuleId, ReportWriter.N(r.Duration), ReportWriter.N(r.UsersAtStart), ReportWriter.N(r.UsersAtEnd), ReportWriter.N(r.TotalViewedSeconds)];
        }, numeric: [2, 3, 4, 5]);
    }

    private static readonly FieldPath s_userId = FieldPath.Parse("context.user_id");

    /// <summary>
    /// <c>if not user_id: return</c>, then <c>int(user_id)</c>, for a <c>context.user_id</c> the facts hashed (not a
    /// positive integer as written): false when Python finds it falsy (0.0); a float is cut to its integer part, a string
    /// of digits with white space around it read (Python's int() allows both); the user 0 of <c>"0"</c> or 0.5 is a key of
    /// its own. What int() refuses (edX's job would fail on it) keeps its hash.
    /// </summary>
    private static bool TryIntUser(EventBatch batch, int i, ref long user)
    {
        if (!batch.TryGetField(i, s_userId, out FieldValue id))
        {
            return true; // keyed by username (a desensitized archive): kept as it is
        }

        long value;
        if (id.Kind == JsonTokenType.Number)
        {
            if (!double.TryParse(id.Utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || d == 0)
            {
                return false;
            }

            if (!PythonFloats.IsFloat(id.Utf8))
            {
                if (!long.TryParse(id.Utf8, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                {
                    return true; // past a long: its hash
                }
            }
            else if (Math.Truncate(d) is > -9e18 and < 9e18)
            {
                value = (long)Math.Truncate(d);
            }
            else
            {
                return true;
            }
        }
        else if (id.Kind == JsonTokenType.String && !id.HasEscapes)
        {
            ReadOnlySpan<byte> digits = EdxValues.Strip(id.Utf8);
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            {
                return true;
            }
        }
        else
        {
            return true;
        }

        user = value == 0 ? long.MinValue : value; // 0 is "no learner" in the facts
        return true;
    }

    /// <summary><c>_check_time_offset</c>: a number (or what Python's <c>float</c> reads) from 0 to 36000, not NaN.</summary>
    private static bool TryOffset(in FieldValue value, out double offset)
        => EdxValues.TryFloat(value, out offset) && !(offset > MaximumOffset) && !(offset < 0) && double.IsFinite(offset);

    /// <summary>
    /// <c>UserVideoViewingTask.reducer</c> over one video's events (sorted by learner, then time), each viewing
    /// folded at once into the video's segments (<c>VideoUsageTask.reducer</c>'s loop).
    /// </summary>
    private static void AddViewings(ReadOnlySpan<VideoKeyedRecord> events, VideoUsage usage, LearnerSegments learner)
    {
        long user = 0;
        bool viewing = false, lastEndWasSeek = false, viewingDurationIsFloat = false;
        double startOffset = 0, viewingDuration = 0, lastEndTime = 0;
        for (int e = 0; e < events.Length; e++)
        {
            VideoEventRecord ev = events[e].Event;
            if (e == 0 || ev.User != user)
            {
                user = ev.User;
                viewing = false;
                lastEndWasSeek = false;
                learner.Next();
            }

            if (ev.Kind == VideoEventKind.Play)
            {
                // A play during a viewing starts a new one (edX drops the open one).
                viewing = true;
                startOffset = lastEndWasSeek ? lastEndTime : ev.CurrentTime;
                viewingDuration = ev.Duration;
                viewingDurationIsFloat = ev.DurationIsFloat;
                lastEndWasSeek = false;
                continue;
            }

            if (!viewing)
            {
                continue; // an event outside a viewing
            }

            double endTime = ev.Kind == VideoEventKind.Seek ? ev.OldTime : ev.CurrentTime;
            bool valid = !(viewingDuration != UnknownDuration && endTime > viewingDuration + 1)
                && !(endTime < startOffset)
                && !(endTime - startOffset < MinimumViewing);
            if (valid)
            {
                // VideoUsageTask reads the viewing as UserVideoViewingTask's writer wrote it: floats through Python 2's str.
                usage.AddViewing(learner, PythonFloats.ThroughStr(startOffset), PythonFloats.ThroughStr(endTime),
                    viewingDurationIsFloat ? PythonFloats.ThroughStr(viewingDuration) : viewingDuration);
            }

            // The viewing ends whether or not it was kept; the event that ended it is remembered for the next play.
            viewing = false;
            lastEndWasSeek = ev.Kind == VideoEventKind.Seek;
            lastEndTime = ev.CurrentTime;
        }
    }

    /// <summary>
    /// Where the rows of <c>VideoUsageTask.reducer</c>'s loop end (exclusive): it walks the watched segments in order and
    /// stops after the last segment (<see cref="FinalSegmentOf"/>), which it only
    /// meets if that segment was watched; otherwise it writes every watched segment.
    /// </summary>
    private static int TimelineEnd(VideoUsage usage, out double duration)
    {
        int final = FinalSegmentOf(usage, out duration);
        return final >= 0 && final <= usage.MaxSegment && usage.Views[final] != 0 ? final + 1 : usage.MaxSegment + 1;
    }

    /// <summary>The last segment edX writes and the duration it reports: the known duration's segment, or else the one before the first sharp drop from the end.</summary>
    private static int FinalSegmentOf(VideoUsage usage, out double duration)
    {
        duration = usage.Duration;
        if (duration == UnknownDuration)
        {
            int final = usage.FinalSegment(DropoffThreshold);
            duration = ((final + 1) * SegmentSeconds) - 1;
            return final;
        }

        return Snap(duration);
    }

    /// <summary>
    /// The video's row of <c>VideoUsageTask.reducer</c> (<paramref name="duration"/>: the one reported, see
    /// <see cref="FinalSegmentOf"/>), and <c>VideoDataTask</c>'s sum (<paramref name="viewed"/>: the written segments' views).
    /// </summary>
    private static VideoRow VideoOf(string pipelineId, string course, string module, VideoUsage usage, double duration, long viewed)
    {
        long usersAtStart = usage.UsersAt(0);
        long usersAtEnd = usage.UsersAt(Snap(Math.Max(duration - 30, duration * 0.95)));
        return new VideoRow(pipelineId, course, module, (long)duration, SegmentSeconds, usersAtStart, usersAtEnd, viewed * SegmentSeconds);
    }

    /// <summary><c>snap_to_last_segment_boundary</c>: Python 2's <c>int(second) / 5</c> (truncation, then floor division).</summary>
    internal static int Snap(double second)
    {
        long whole = (long)Math.Truncate(second);
        return (int)Math.Floor(whole / (double)SegmentSeconds);
    }

    /// <summary>The records of one part of a bucket: those of its learner videos (<see cref="LearnerBuckets.PartOf"/> of <see cref="VideoPartial.KeyOf"/>).</summary>
    private readonly struct LearnerPart(int part, int parts) : IBucketPart<VideoKeyedRecord>
    {
        public int Index => part;

        public void Route(ReadOnlySpan<VideoKeyedRecord> block, PartRouter<VideoKeyedRecord> router)
        {
            for (int i = 0; i < block.Length; i++)
            {
                router.Add(LearnerBuckets.PartOf(VideoPartial.KeyOf(block[i]), parts), block.Slice(i, 1));
            }
        }

        public void AddTo(RecordBuffer<VideoKeyedRecord> into, ReadOnlySpan<VideoKeyedRecord> block)
        {
            if (parts == 1)
            {
                into.AddRange(block);
                return;
            }

            foreach (ref readonly VideoKeyedRecord r in block)
            {
                if (LearnerBuckets.PartOf(VideoPartial.KeyOf(r), parts) == part)
                {
                    into.Add(in r);
                }
            }
        }
    }

    /// <summary>Orders a bucket's records by video (course, module), then as edX's reducer sorts a learner's events (<see cref="VideoEventRecord.CompareTo"/>).</summary>
    private readonly struct ByVideoThenEvent(VideoCodes codes) : IComparer<VideoKeyedRecord>
    {
        public int Compare(VideoKeyedRecord x, VideoKeyedRecord y)
        {
            int c = x.Course.CompareTo(y.Course);
            c = c != 0 ? c : x.Module.CompareTo(y.Module);
            return c != 0 ? c : x.Event.CompareTo(y.Event, codes);
        }
    }

    /// <summary>Orders one video's records as edX's reducer sorts a learner's events (<see cref="VideoEventRecord.CompareTo"/>).</summary>
    private sealed class ByEvent(VideoCodes codes) : IComparer<VideoEventRecord>
    {
        public int Compare(VideoEventRecord x, VideoEventRecord y) => x.CompareTo(y, codes);
    }

    /// <summary>
    /// The segments the learner being folded has touched on the video being folded, for every video: a video's events are
    /// folded learner after learner (a bucket's sorted by learner, and no learner in two buckets), so a segment counts a
    /// learner when its mark is not yet this learner's. One array for the completion, in place of a per-video array of
    /// the last learner of each segment (a third of each video's counters).
    /// </summary>
    private sealed class LearnerSegments
    {
        // One mark per segment an offset can reach (offsets above VIDEO_MAXIMUM_DURATION are dropped before).
        private long[] _marks = new long[Snap(MaximumOffset) + 1];

        /// <summary>The current learner's mark: never 0 (an untouched segment), never reused.</summary>
        public long Mark { get; private set; }

        /// <summary>The next learner (or the same learner on the next video): its own mark.</summary>
        public void Next() => Mark++;

        /// <summary>Whether segment <paramref name="segment"/> meets the current learner for the first time, marking it.</summary>
        public bool Touch(int segment)
        {
            if (segment >= _marks.Length)
            {
                Array.Resize(ref _marks, Math.Max(segment + 1, _marks.Length * 2));
            }

            if (_marks[segment] == Mark)
            {
                return false;
            }

            _marks[segment] = Mark;
            return true;
        }
    }

    /// <summary>
    /// One video's segments while its viewings are folded in: views and distinct learners per segment (see
    /// <see cref="LearnerSegments"/>), in arrays sized to the furthest segment watched, rounded up to 32 segments (a
    /// quarter more at each growth). They started at 64 segments and doubled: over 1M generated events in 2,000 courses
    /// (23,844 videos) the video section's counters (three arrays then) took about 100 MB.
    /// </summary>
    private sealed class VideoUsage
    {
        private const int Step = 32;

        public long[] Users { get; private set; } = [];

        public long[] Views { get; private set; } = [];

        public int MaxSegment { get; private set; } = -1;

        /// <summary>The watched segments (views above 0) before <paramref name="end"/>, and their views.</summary>
        public (int Segments, long Views) Watched(int end)
        {
            int n = 0;
            long views = 0;
            for (int s = 0; s < end; s++)
            {
                n += Views[s] != 0 ? 1 : 0;
                views += Views[s];
            }

            return (n, views);
        }

        /// <summary>edX's running duration: starts at 0, the largest known one, or unknown for good once one is.</summary>
        public double Duration { get; private set; }

        public void AddViewing(LearnerSegments learner, double startOffset, double endOffset, double duration)
        {
            if (Duration == UnknownDuration)
            {
            }
            else if (duration == UnknownDuration)
            {
                Duration = UnknownDuration;
            }
            else if (duration > Duration)
            {
                Duration = duration;
            }

            int first = Snap(startOffset), last = Snap(endOffset);
            if (last >= Views.Length)
            {
                int size = RoundUp(Math.Max(last + 1, Views.Length + (Views.Length / 4)));
                long[] users = Users, views = Views;
                Array.Resize(ref users, size);
                Array.Resize(ref views, size);
                (Users, Views) = (users, views);
            }

            for (int s = first; s <= last; s++)
            {
                Views[s]++;
                if (learner.Touch(s))
                {
                    Users[s]++;
                }
            }

            MaxSegment = Math.Max(MaxSegment, last);
        }

        private static int RoundUp(int segments) => (segments + Step - 1) / Step * Step;

        public long UsersAt(int segment) => segment >= 0 && segment <= MaxSegment ? Users[segment] : 0;

        /// <summary><c>get_final_segment</c>: walking back from the last watched segment, the first whose learners are at
        /// least 1/threshold times those of the segment watched after it.</summary>
        public int FinalSegment(double threshold)
        {
            int final = MaxSegment;
            long lastUsers = Users[MaxSegment];
            for (int s = MaxSegment - 1; s >= 0; s--)
            {
                if (Views[s] == 0)
                {
                    continue; // not in edX's usage map
                }

                if (lastUsers <= Users[s] * threshold)
                {
                    return s;
                }

                lastUsers = Users[s];
            }

            return final;
        }
    }
}
