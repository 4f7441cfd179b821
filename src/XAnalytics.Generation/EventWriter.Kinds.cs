using System.Text.Json;
using XAnalytics.Internal;

namespace XAnalytics.Generation;

/// <summary>One method per event family; each draws its details from <c>_rng</c> (the event's own seed).</summary>
internal sealed partial class EventWriter
{
    private static readonly byte[] s_emptyRequest = "{\"POST\": {}, \"GET\": {}}"u8.ToArray();

    private static readonly int[] s_wordChars = WordChars();

    // ---- implicit server events -------------------------------------------------------------

    private void WriteServerCourseware(in EventRecord r)
    {
        if (TryWriteUniquePage())
        {
            return;
        }

        SequentialInfo seq = _course.Sequentials[r.Item];
        SequentialInfo previous = _course.Sequentials[Math.Max(0, r.Item - 1)];
        _inner.Clear();
        if (_rng.Chance(0.2))
        {
            _inner.Write("{\"POST\": {}, \"GET\": {\"activate_block_id\": [\""u8);
            _inner.Write(seq.Id);
            _inner.Write("\"]}}"u8);
        }
        else
        {
            _inner.Write(s_emptyRequest);
        }

        ServerEnvelope(seq.CoursewarePath, previous.PageUrl, _inner.WrittenSpan, course: true);
    }

    private void WriteServerVideoHandler(in EventRecord r)
    {
        if (TryWriteUniquePage())
        {
            return;
        }

        VideoInfo video = _course.Videos[r.Item];
        _inner.Clear();
        if (_rng.Chance(0.8))
        {
            int seconds = (int)r.Value;
            Span<byte> hms = stackalloc byte[8];
            Two(hms, 0, seconds / 3600);
            hms[2] = (byte)':';
            Two(hms, 3, seconds / 60 % 60);
            hms[5] = (byte)':';
            Two(hms, 6, seconds % 60);
            _inner.Write("{\"POST\": {\"saved_video_position\": [\""u8);
            _inner.Write(hms);
            _inner.Write("\"]}, \"GET\": {}}"u8);
        }
        else
        {
            _inner.Write("{\"POST\": {\"speed\": [\"1.50\"]}, \"GET\": {}}"u8);
        }

        ServerEnvelope(video.HandlerPath, _course.Sequentials[video.Sequential].PageUrl, _inner.WrittenSpan, course: true);
    }

    private void WriteServerCoursePage(in EventRecord r)
    {
        if (TryWriteUniquePage())
        {
            return;
        }

        _path.Clear();
        _path.Write(_course.PathPrefix);
        _path.Write(Vocabulary.CoursePages[r.Aux]);
        ServerEnvelope(_path.WrittenSpan, _course.Sequentials[r.Item].PageUrl, s_emptyRequest, course: true);
    }

    /// <summary>
    /// The real-log shape (<see cref="Catalog.UniquePages"/> &gt; 0): course page events name a page of their
    /// own, a forum thread or one block's XBlock handler, as edX's URLs do. The synthetic shape draws nothing here,
    /// so its archives stay byte-identical.
    /// </summary>
    private bool TryWriteUniquePage()
    {
        if (_catalog.UniquePages == 0)
        {
            return false;
        }

        long page = (long)Math.BigMul(_rng.Next(), (ulong)_catalog.UniquePages, out _);
        Span<byte> id = stackalloc byte[32];
        ulong mixed = Rng.Derive((ulong)page, 0x9A6E);
        Hex(mixed, id[..16]);
        Hex(Rng.Derive(mixed, 0x51D), id[16..]);
        _path.Clear();
        _path.Write(_course.PathPrefix);
        if ((page & 3) == 0)
        {
            _path.Write("discussion/forum/"u8);
            _path.Write(id[..24]);
            _path.Write("/threads/"u8);
            _path.Write(id[8..]);
        }
        else
        {
            _path.Write("xblock/"u8);
            _path.Write(id);
            _path.Write((page & 3) == 1 ? "/handler/xmodule_handler/problem_get"u8 : "/handler/xmodule_handler/save_user_state"u8);
        }

        ServerEnvelope(_path.WrittenSpan, _course.Sequentials[0].PageUrl, s_emptyRequest, course: true);
        return true;
    }

    private void WriteServerNoCourse(in EventRecord r)
    {
        ReadOnlySpan<byte> path = Vocabulary.NoCoursePaths[r.Aux];
        if (_catalog.UniquePages > 0 && _learner is not null && _rng.Chance(0.5))
        {
            // The real-log shape: the account pages' API calls name their learner (one URL per learner).
            _path.Clear();
            _path.Write(_rng.Chance(0.5) ? "/api/user/v1/accounts/"u8 : "/api/user/v1/preferences/"u8);
            _path.Write(Username);
            path = _path.WrittenSpan;
        }

        _inner.Clear();
        if (path.SequenceEqual("/search/course_discovery/"u8))
        {
            _inner.Write("{\"POST\": {\"search_string\": [\""u8);
            WriteWords(_inner, 1 + _rng.Below(2), asciiOnly: true);
            _inner.Write("\"], \"page_size\": [\"20\"], \"page_index\": [\"0\"]}, \"GET\": {}}"u8);
        }
        else
        {
            _inner.Write(s_emptyRequest);
        }

        _text.Clear();
        _text.Write(_catalog.BaseUrl);
        _text.Write("/dashboard"u8);
        ServerEnvelope(path, _text.WrittenSpan, _inner.WrittenSpan, course: false);
    }

    private void WriteServerAnonymous(in EventRecord r)
    {
        _text.Clear();
        if (_rng.Chance(0.5))
        {
            _text.Write(_catalog.BaseUrl);
            _text.Write("/"u8);
        }

        ServerEnvelope(Vocabulary.AnonymousPaths[r.Aux], _text.WrittenSpan, s_emptyRequest, course: false, omitCourse: true);
    }

    private void WriteServerMobileApi(in EventRecord r)
    {
        _path.Clear();
        switch (r.Aux)
        {
            case 0:
                _path.Write("/api/mobile/v0.5/users/"u8);
                _path.Write(Username);
                _path.Write("/course_enrollments/"u8);
                break;
            case 1:
                _path.Write("/api/mobile/v0.5/video_outlines/courses/"u8);
                _path.Write(_course.Id);
                break;
            default:
                _path.Write("/api/mobile/v0.5/course_info/"u8);
                _path.Write(_course.Id);
                _path.Write("/updates"u8);
                break;
        }

        ServerEnvelope(_path.WrittenSpan, default, s_emptyRequest, course: r.Aux != 0);
    }

    // ---- browser events ---------------------------------------------------------------------

    private void WriteVideo(in EventRecord r)
    {
        VideoInfo video = _course.Videos[r.Item];
        _inner.Clear();
        _innerJson.Reset(_inner);
        Utf8JsonWriter j = _innerJson;
        j.WriteStartObject();
        j.WriteString(Names.Id, video.BrowserId);
        ReadOnlySpan<byte> type;
        switch (r.Kind)
        {
            case EventKind.LoadVideo:
                type = "load_video"u8;
                break;
            case EventKind.SeekVideo:
                type = "seek_video"u8;
                j.WriteNumber(Names.OldTime, Round(r.Value));
                j.WriteNumber(Names.NewTime, Round(r.Value2));
                j.WriteString(Names.Type, _rng.Chance(0.8) ? "onSlideSeek"u8 : "onSkipSeek"u8);
                break;
            case EventKind.SpeedChangeVideo:
                type = "speed_change_video"u8;
                j.WriteNumber(Names.CurrentTime, Round(r.Value));
                j.WriteString(Names.OldSpeed, Speed(r.Aux / 100.0));
                j.WriteString(Names.NewSpeed, Speed(r.Value2));
                break;
            default:
                type = r.Kind switch
                {
                    EventKind.PlayVideo => "play_video"u8,
                    EventKind.PauseVideo => "pause_video"u8,
                    _ => "stop_video"u8,
                };
                j.WriteNumber(Names.CurrentTimeCamel, Round(r.Value));
                break;
        }

        j.WriteString(Names.Code, video.Code);
        j.WriteEndObject();
        j.Flush();
        BrowserEnvelope(type, _course.Sequentials[video.Sequential].PageUrl, _inner.WrittenSpan);
    }

    private void WriteSequence(in EventRecord r)
    {
        SequentialInfo seq = _course.Sequentials[r.Item];
        ReadOnlySpan<byte> type = r.Kind switch
        {
            EventKind.SeqNext => "seq_next"u8,
            EventKind.SeqPrev => "seq_prev"u8,
            _ => "seq_goto"u8,
        };
        (int from, int to) = r.Kind switch
        {
            EventKind.SeqNext => (r.Aux, r.Aux + 1),
            EventKind.SeqPrev => (r.Aux, r.Aux - 1),
            _ => (r.Aux >> 8, r.Aux & 0xFF),
        };
        _inner.Clear();
        _innerJson.Reset(_inner);
        _innerJson.WriteStartObject();
        _innerJson.WriteNumber(Names.Old, from);
        _innerJson.WriteNumber(Names.New, to);
        _innerJson.WriteString(Names.Id, seq.Id);
        _innerJson.WriteEndObject();
        _innerJson.Flush();
        BrowserEnvelope(type, seq.PageUrl, _inner.WrittenSpan);
    }

    private void WritePageClose(in EventRecord r) =>
        BrowserEnvelope("page_close"u8, _course.Sequentials[r.Item].PageUrl, default);

    /// <summary>
    /// <c>edx.ui.lms.link_clicked</c>: a link on a courseware page followed, to another page of the course (three in
    /// five) or to another site, its event a JSON string as browsers log it.
    /// </summary>
    private void WriteLinkClicked(in EventRecord r)
    {
        ReadOnlySpan<byte> current = _course.Sequentials[r.Item].PageUrl;
        ReadOnlySpan<byte> target = _rng.Chance(0.6)
            ? _course.Sequentials[_rng.Below(_course.Sequentials.Length)].PageUrl
            : Vocabulary.ExternalLinks[_rng.Below(Vocabulary.ExternalLinks.Length)];
        _inner.Clear();
        _innerJson.Reset(_inner);
        _innerJson.WriteStartObject();
        _innerJson.WriteString(Names.TargetUrl, target);
        _innerJson.WriteString(Names.CurrentUrl, current);
        _innerJson.WriteEndObject();
        _innerJson.Flush();
        BrowserEnvelope("edx.ui.lms.link_clicked"u8, current, _inner.WrittenSpan);
    }

    /// <summary>The browser's form post: <c>input_&lt;id&gt;_2_1=value&amp;...</c>, quoted for old-style courses as old edX did.</summary>
    private void WriteProblemCheckBrowser(in EventRecord r)
    {
        ProblemInfo problem = _course.Problems[r.Item];
        _inner.Clear();
        if (!_course.IsV1)
        {
            _inner.Write((byte)'"');
        }

        for (int i = 0; i < problem.InputIds.Length; i++)
        {
            int picks = problem.Kind == 1 ? 1 + _rng.Below(3) : 1;
            for (int p = 0; p < picks; p++)
            {
                if (i > 0 || p > 0)
                {
                    _inner.Write((byte)'&');
                }

                _inner.Write("input_"u8);
                _inner.Write(problem.InputIds[i]);
                if (problem.Kind == 1)
                {
                    _inner.Write("%5B%5D"u8);
                }

                _inner.Write((byte)'=');
                WriteAnswer(_inner, problem.Kind, urlEncoded: true, p);
            }
        }

        if (!_course.IsV1)
        {
            _inner.Write((byte)'"');
        }

        BrowserEnvelope("problem_check"u8, _course.Sequentials[problem.Sequential].PageUrl, _inner.WrittenSpan);
    }

    // ---- server events with object payloads ---------------------------------------------------

    private void WriteProblemCheckServer(in EventRecord r)
    {
        ProblemInfo problem = _course.Problems[r.Item];
        int inputs = problem.InputIds.Length;
        int cut = r.Bad switch { BadKind.Truncate2043 => 2043, BadKind.Truncate10000 => 10_000, BadKind.Truncate32000 => 32_000, _ => 0 };

        // Question text: usually empty (as edX logged it), sometimes long, and long enough to be cut when the line is spoiled.
        int questionChars = cut > 0 ? ((cut + 500 + _rng.Below(3000)) / inputs) + 1
            : _rng.Chance(0.04) ? (int)Math.Min(6000, _rng.Pareto(150, 1.3)) : 0;
        _text.Clear();
        if (questionChars > 0)
        {
            WriteText(_text, questionChars, newlines: false);
        }

        ReadOnlySpan<byte> question = _text.WrittenSpan;

        Utf8JsonWriter j = _json;
        j.WriteStartObject();
        j.WriteString(Names.Username, Username);
        j.WriteString(Names.EventType, "problem_check"u8);
        WriteIp();
        j.WriteString(Names.Agent, AgentBytes);
        j.WriteString(Names.Host, _catalog.Host);
        WriteSessionId();
        j.WriteString(Names.Referer, _course.Sequentials[problem.Sequential].PageUrl);
        j.WriteString(Names.AcceptLanguage, Language);

        j.WriteStartObject(Names.Event);

        // Answers are drawn once into _path (offsets on the stack) so submission and answers agree.
        Span<int> ends = stackalloc int[inputs];
        _path.Clear();
        uint correctMask = 0;
        for (int i = 0; i < inputs; i++)
        {
            WriteAnswer(_path, problem.Kind, urlEncoded: false, 0);
            ends[i] = _path.WrittenCount;
            correctMask |= _rng.Chance(0.6) ? 1u << i : 0;
        }

        int correctCount = System.Numerics.BitOperations.PopCount(correctMask);
        j.WriteStartObject(Names.Submission);
        for (int i = 0; i < inputs; i++)
        {
            j.WriteStartObject(problem.InputIds[i]);
            j.WriteString(Names.InputType, Vocabulary.InputTypes[problem.Kind]);
            j.WriteString(Names.Question, question);
            j.WriteString(Names.ResponseType, Vocabulary.ResponseTypes[problem.Kind]);
            j.WriteString(Names.Answer, Answer(ends, i));
            j.WriteString(Names.Variant, ""u8);
            j.WriteBoolean(Names.Correct, (correctMask & (1u << i)) != 0);
            j.WriteEndObject();
        }

        j.WriteEndObject();
        j.WriteString(Names.Success, correctCount == inputs ? "correct"u8 : "incorrect"u8);
        j.WriteNumber(Names.Grade, correctCount);
        j.WriteStartObject(Names.CorrectMap);
        for (int i = 0; i < inputs; i++)
        {
            j.WriteStartObject(problem.InputIds[i]);
            j.WriteString(Names.Hint, ""u8);
            j.WriteNull(Names.Hintmode);
            j.WriteString(Names.Correctness, (correctMask & (1u << i)) != 0 ? "correct"u8 : "incorrect"u8);
            j.WriteNull(Names.Npoints);
            j.WriteNull(Names.Answervariable);
            j.WriteString(Names.Msg, ""u8);
            j.WriteNull(Names.Queuestate);
            j.WriteEndObject();
        }

        j.WriteEndObject();
        j.WriteStartObject(Names.State);
        j.WriteStartObject(Names.StudentAnswers);
        j.WriteEndObject();
        j.WriteNumber(Names.Seed, 1);
        j.WriteNull(Names.Done);
        j.WriteStartObject(Names.CorrectMap);
        j.WriteEndObject();
        j.WriteStartObject(Names.InputState);
        for (int i = 0; i < inputs; i++)
        {
            j.WriteStartObject(problem.InputIds[i]);
            j.WriteEndObject();
        }

        j.WriteEndObject();
        j.WriteEndObject();
        j.WriteStartObject(Names.Answers);
        for (int i = 0; i < inputs; i++)
        {
            if (problem.Kind == 1)
            {
                j.WriteStartArray(problem.InputIds[i]);
                j.WriteStringValue(Answer(ends, i));
                j.WriteStringValue("choice_3"u8);
                j.WriteEndArray();
            }
            else
            {
                j.WriteString(problem.InputIds[i], Answer(ends, i));
            }
        }

        j.WriteEndObject();
        j.WriteNumber(Names.Attempts, r.Aux);
        j.WriteNumber(Names.MaxGrade, problem.MaxGrade);
        j.WriteString(Names.ProblemId, problem.UsageKey);
        j.WriteEndObject();

        j.WriteString(Names.EventSource, "server"u8);
        j.WriteStartObject(Names.Context);
        j.WriteStartObject(Names.CourseUserTags);
        j.WriteEndObject();
        WriteUserId();
        j.WriteString(Names.OrgId, _course.Org);
        j.WriteStartObject(Names.Asides);
        if (problem.Tags >= 0)
        {
            int difficulties = Vocabulary.TagDifficulties.Length;
            j.WriteStartObject(Names.TaggingAside);
            j.WriteStartObject(Names.SavedTags);
            j.WriteString(Names.Difficulty, Vocabulary.TagDifficulties[problem.Tags % difficulties]);
            j.WriteString(Names.LearningOutcome, Vocabulary.TagOutcomes[problem.Tags / difficulties]);
            j.WriteEndObject();
            j.WriteEndObject();
        }

        j.WriteEndObject();
        j.WriteStartObject(Names.Module);
        j.WriteString(Names.DisplayName, problem.DisplayName);
        j.WriteString(Names.UsageKey, problem.UsageKey);
        j.WriteEndObject();
        j.WriteString(Names.CourseId, _course.Id);
        j.WriteString(Names.Path, problem.HandlerPath);
        j.WriteEndObject();
        j.WriteString(Names.Time, _time);
        j.WriteString(Names.Page, "x_module"u8);
        j.WriteEndObject();
    }

    private void WriteEnrollment(in EventRecord r)
    {
        ReadOnlySpan<byte> name = r.Kind switch
        {
            EventKind.EnrollmentActivated => "edx.course.enrollment.activated"u8,
            EventKind.EnrollmentDeactivated => "edx.course.enrollment.deactivated"u8,
            _ => "edx.course.enrollment.mode_changed"u8,
        };
        _text.Clear();
        _text.Write(_catalog.BaseUrl);
        _text.Write(_course.PathPrefix);
        _text.Write("about"u8);
        BeginTracked("server"u8, name, _text.WrittenSpan);
        _json.WriteString(Names.CourseId, _course.Id);
        _json.WriteString(Names.OrgId, _course.Org);
        WriteUserId();
        _json.WriteString(Names.Path, "/change_enrollment"u8);
        EndTracked();
        _json.WriteStartObject(Names.Event);
        _json.WriteString(Names.CourseId, _course.Id);
        _json.WriteNumber(Names.UserId, _learner?.UserId ?? 0);
        _json.WriteString(Names.Mode, r.Kind == EventKind.EnrollmentModeChanged ? "verified"u8 : Vocabulary.Modes[_learner?.Mode ?? 0]);
        _json.WriteEndObject();
        Finish(name);
    }

    /// <summary>Forum posts. Bodies longer than 2,000 characters are cut and flagged <c>truncated</c>, as edX's forum events did.</summary>
    private void WriteForum(in EventRecord r)
    {
        const int MaxBody = 2000;
        ReadOnlySpan<byte> name = r.Kind switch
        {
            EventKind.ForumThreadCreated => "edx.forum.thread.created"u8,
            EventKind.ForumResponseCreated => "edx.forum.response.created"u8,
            _ => "edx.forum.comment.created"u8,
        };
        ReadOnlySpan<byte> category = _course.CategoryIds[r.Item];
        Span<byte> threadId = stackalloc byte[24];
        Span<byte> responseId = stackalloc byte[24];
        Span<byte> id = stackalloc byte[24];
        _rng.Hex(threadId);
        _rng.Hex(responseId);
        _rng.Hex(id);

        _path.Clear();
        _path.Write(_course.PathPrefix);
        _path.Write("discussion/"u8);
        switch (r.Kind)
        {
            case EventKind.ForumThreadCreated:
                _path.Write(category);
                _path.Write("/threads/create"u8);
                break;
            case EventKind.ForumResponseCreated:
                _path.Write("threads/"u8);
                _path.Write(threadId);
                _path.Write("/reply"u8);
                break;
            default:
                _path.Write("comments/"u8);
                _path.Write(responseId);
                _path.Write("/reply"u8);
                break;
        }

        // url of the thread page, also the referer
        _inner.Clear();
        _inner.Write(_catalog.BaseUrl);
        _inner.Write(_course.PathPrefix);
        _inner.Write("discussion/forum/"u8);
        _inner.Write(category);
        _inner.Write("/threads/"u8);
        _inner.Write(threadId);

        int chars = (int)Math.Min(40_000, _rng.Pareto(25, 1.15));
        bool truncated = chars > MaxBody;
        _text.Clear();
        WriteText(_text, Math.Min(chars, MaxBody), newlines: true);

        BeginTracked("server"u8, name, _inner.WrittenSpan);
        WriteCourseContext(_path.WrittenSpan);
        EndTracked();
        Utf8JsonWriter j = _json;
        j.WriteStartObject(Names.Event);
        j.WriteString(Names.Body, _text.WrittenSpan);
        if (r.Kind == EventKind.ForumThreadCreated)
        {
            j.WriteBoolean(Names.AnonymousToPeers, false);
            j.WriteString(Names.CategoryId, category);
            _text.Clear();
            _text.Write(Catalog.U(Vocabulary.TitleStarts[_rng.Below(Vocabulary.TitleStarts.Length)]));
            _text.Write((byte)' ');
            _text.Write(Catalog.U(Vocabulary.TopicNouns[_rng.Below(Vocabulary.TopicNouns.Length)]));
            j.WriteString(Names.Title, _text.WrittenSpan);
            j.WriteString(Names.Url, _inner.WrittenSpan);
            j.WriteBoolean(Names.Truncated, truncated);
            j.WriteString(Names.ThreadType, _rng.Chance(0.7) ? "discussion"u8 : "question"u8);
            j.WriteString(Names.CommentableId, category);
            j.WriteStartArray(Names.UserCourseRoles);
            j.WriteEndArray();
            j.WriteStartArray(Names.UserForumsRoles);
            j.WriteStringValue("Student"u8);
            j.WriteEndArray();
            j.WriteBoolean(Names.Anonymous, false);
            j.WriteString(Names.Id, threadId);
            j.WriteNull(Names.GroupId);
        }
        else
        {
            j.WriteString(Names.CommentableId, category);
            j.WriteBoolean(Names.Truncated, truncated);
            j.WriteString(Names.Url, _inner.WrittenSpan);
            j.WriteStartObject(Names.Discussion);
            j.WriteString(Names.Id, threadId);
            j.WriteEndObject();
            j.WriteStartArray(Names.UserForumsRoles);
            j.WriteStringValue("Student"u8);
            j.WriteEndArray();
            j.WriteStartArray(Names.UserCourseRoles);
            j.WriteEndArray();
            j.WriteString(Names.CategoryId, category);
            if (r.Kind == EventKind.ForumCommentCreated)
            {
                j.WriteStartObject(Names.Response);
                j.WriteString(Names.Id, responseId);
                j.WriteEndObject();
            }

            j.WriteString(Names.Id, id);
        }

        j.WriteStartObject(Names.Options);
        j.WriteBoolean(Names.Followed, r.Kind == EventKind.ForumThreadCreated);
        j.WriteEndObject();
        j.WriteString(Names.CategoryName, _course.CategoryNames[r.Item]);
        j.WriteEndObject();
        Finish(name);
    }

    private void WriteMobileVideo(in EventRecord r)
    {
        VideoInfo video = _course.Videos[r.Item];
        ReadOnlySpan<byte> name = r.Aux switch
        {
            0 => "edx.video.loaded"u8,
            1 => "edx.video.played"u8,
            2 => "edx.video.paused"u8,
            3 => "edx.video.stopped"u8,
            4 => "edx.video.position.changed"u8,
            _ => "edx.video.transcript.shown"u8,
        };
        var app = Vocabulary.MobileApps[_session.Agent % Vocabulary.MobileApps.Length];
        FormatTime(r.Time + (long)(_rng.NextDouble() * 30_000_000), _time2);

        BeginTracked("mobile"u8, name, default);
        Utf8JsonWriter j = _json;
        j.WriteString(Names.CourseId, _course.Id);
        j.WriteString(Names.OrgId, _course.Org);
        WriteUserId();
        j.WriteString(Names.Path, "/segmentio/event"u8);
        j.WriteStartObject(Names.Application);
        j.WriteString(Names.Name, app.Name);
        j.WriteString(Names.Version, app.Version);
        j.WriteEndObject();
        j.WriteStartObject(Names.Client);
        j.WriteStartObject(Names.Device);
        j.WriteString(Names.Manufacturer, app.Maker);
        j.WriteString(Names.Model, app.Model);
        j.WriteEndObject();
        j.WriteStartObject(Names.Os);
        j.WriteString(Names.Name, app.Os);
        j.WriteString(Names.Version, app.OsVersion);
        j.WriteEndObject();
        j.WriteStartObject(Names.Network);
        j.WriteBoolean(Names.Wifi, _rng.Chance(0.7));
        j.WriteEndObject();
        j.WriteEndObject();
        j.WriteString(Names.ReceivedAt, _time2);
        j.WriteString(Names.Component, "videoplayer"u8);
        _text.Clear();
        _text.Write(_catalog.BaseUrl);
        _text.Write("/xblock/"u8);
        _text.Write(video.UsageKey);
        j.WriteString(Names.OpenInBrowserUrl, _text.WrittenSpan);
        EndTracked();
        j.WriteStartObject(Names.Event);
        j.WriteString(Names.Code, "mobile"u8);
        j.WriteString(Names.Id, video.UsageKey);
        if (r.Aux == 4)
        {
            j.WriteNumber(Names.OldTime, Round(r.Value));
            j.WriteNumber(Names.NewTime, Round(_rng.NextDouble() * video.DurationSeconds));
        }
        else if (r.Aux != 0)
        {
            j.WriteNumber(Names.CurrentTimeCamel, Round(r.Value));
        }

        j.WriteEndObject();
        Finish(name);
    }

    private void WriteTask(in EventRecord r)
    {
        ReadOnlySpan<byte> name = Vocabulary.TaskEvents[r.Aux];
        Span<byte> uuid = stackalloc byte[36];
        Span<byte> version = stackalloc byte[24];
        Uuid(uuid);
        _rng.Hex(version);
        BeginTracked("task"u8, name, default);
        Utf8JsonWriter j = _json;
        j.WriteString(Names.CourseId, _course.Id);
        j.WriteString(Names.OrgId, _course.Org);
        WriteUserId();
        j.WriteString(Names.Path, ""u8);
        EndTracked(withIp: false);
        j.WriteStartObject(Names.Event);
        j.WriteNumber(Names.UserId, _learner?.UserId ?? 0);
        j.WriteString(Names.CourseId, _course.Id);
        switch (r.Aux)
        {
            case 0:
                j.WriteString(Names.SubsectionId, _course.Sequentials[_rng.Below(_course.Sequentials.Length)].Id);
                j.WriteNumber(Names.WeightedEarned, _rng.Below(5));
                j.WriteNumber(Names.WeightedPossible, 5);
                break;
            case 1:
                j.WriteNumber(Names.PercentGrade, Math.Round(_rng.NextDouble(), 2));
                j.WriteString(Names.LetterGrade, Vocabulary.LetterGrades[_rng.Below(Vocabulary.LetterGrades.Length)]);
                break;
            default:
                if (_course.Problems.Length > 0)
                {
                    j.WriteString(Names.ProblemId, _course.Problems[_rng.Below(_course.Problems.Length)].UsageKey);
                }

                j.WriteNumber(Names.WeightedEarned, _rng.Below(2));
                j.WriteNumber(Names.WeightedPossible, 1);
                break;
        }

        j.WriteString(Names.CourseVersion, version);
        j.WriteString(Names.EventTransactionId, uuid);
        j.WriteString(Names.EventTransactionType, "edx.grades.problem.submitted"u8);
        j.WriteEndObject();
        Finish(name);
    }

    // ---- small helpers -----------------------------------------------------------------------

    private static double Round(double value) => Math.Round(value, 3);

    private static ReadOnlySpan<byte> Speed(double speed) => speed switch
    {
        < 0.8 => "0.75"u8,
        < 1.1 => "1.0"u8,
        < 1.3 => "1.25"u8,
        < 1.6 => "1.50"u8,
        _ => "2.0"u8,
    };

    private void Uuid(Span<byte> dest)
    {
        _rng.Hex(dest);
        dest[8] = dest[13] = dest[18] = dest[23] = (byte)'-';
        dest[14] = (byte)'4';
    }

    private ReadOnlySpan<byte> Answer(ReadOnlySpan<int> ends, int i)
    {
        int start = i == 0 ? 0 : ends[i - 1];
        return _path.WrittenSpan[start..ends[i]];
    }

    /// <summary>Writes one answer value into <paramref name="into"/> for a response kind; <paramref name="pick"/> varies checkbox choices.</summary>
    private void WriteAnswer(PooledBufferWriter into, int kind, bool urlEncoded, int pick)
    {
        Span<byte> digits = stackalloc byte[20];
        switch (kind)
        {
            case 0:
            case 1:
                into.Write("choice_"u8);
                into.Write(digits[..FormatInt((_rng.Below(4) + pick) % 5, digits)]);
                break;
            case 2:
            case 5:
                into.Write(digits[..FormatInt(_rng.Below(5000), digits)]);
                into.Write((byte)'.');
                into.Write(digits[..FormatInt(_rng.Below(100), digits)]);
                break;
            case 4:
                into.Write(urlEncoded ? "Option+"u8 : "Option "u8);
                into.Write((byte)('A' + _rng.Below(4)));
                break;
            case 6:
                into.Write(urlEncoded ? "x%5E2%2B"u8 : "x^2+"u8);
                into.Write(digits[..FormatInt(_rng.Below(10), digits)]);
                break;
            default:
                WriteWords(into, 1 + _rng.Below(3), asciiOnly: urlEncoded);
                break;
        }
    }

    private void WriteWords(PooledBufferWriter into, int count, bool asciiOnly)
    {
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                into.Write(asciiOnly ? (byte)'+' : (byte)' ');
            }

            // The first 47 words are ASCII.
            int w = _rng.Below(asciiOnly ? 47 : Vocabulary.Words.Length);
            into.Write(s_wordBytes[w]);
        }
    }

    private static readonly byte[][] s_wordBytes = Vocabulary.Utf8(Vocabulary.Words);

    /// <summary>Free text of about <paramref name="chars"/> characters: mostly English, with accents, CJK and emoji.</summary>
    private void WriteText(PooledBufferWriter into, int chars, bool newlines)
    {
        int written = 0;
        bool sentenceStart = true;
        while (written < chars)
        {
            int w = _rng.Below(100) < 88 ? _rng.Below(47) : 47 + _rng.Below(Vocabulary.Words.Length - 47);
            if (written > 0)
            {
                into.Write((byte)' ');
                written++;
            }

            byte[] word = s_wordBytes[w];
            if (sentenceStart && word[0] is >= (byte)'a' and <= (byte)'z')
            {
                into.Write((byte)(word[0] - 32));
                into.Write(word.AsSpan(1));
            }
            else
            {
                into.Write(word);
            }

            written += s_wordChars[w];
            sentenceStart = false;
            int end = _rng.Below(100);
            if (end < 9)
            {
                into.Write(end < 7 ? (byte)'.' : (byte)'?');
                written++;
                sentenceStart = true;
                if (newlines && end == 0)
                {
                    into.Write("\n\n"u8);
                    written += 2;
                }
            }
        }
    }

    private static int[] WordChars()
    {
        var result = new int[Vocabulary.Words.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Vocabulary.Words[i].Length;
        }

        return result;
    }

    private static void Two(Span<byte> dest, int at, int value)
    {
        dest[at] = (byte)('0' + (value / 10));
        dest[at + 1] = (byte)('0' + (value % 10));
    }
}
