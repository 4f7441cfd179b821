namespace XAnalytics.Generation;

/// <summary>
/// Decides when each line of one file happens and what it is, by simulating sessions: a
/// learner drawn from the Zipf table opens a course page, watches videos, answers problems,
/// moves through sequences, posts in the forum. Works one time slice (an hour) at a time so
/// memory stays bounded: events of a session that spill past the slice wait in a carry list.
/// Not thread-safe; one scheduler per file.
/// </summary>
internal sealed class EventScheduler
{
    private const long Second = 1_000_000;

    private readonly Catalog _catalog;
    private readonly double _badRate;
    private readonly long _windowEnd;
    private readonly long _total;
    private readonly List<SessionState> _sessions = [];
    private Rng _rng;
    private EventRecord[] _batch = new EventRecord[1024];
    private int _batchCount;
    private EventRecord[] _carry = new EventRecord[256];
    private int _carryCount;
    private long _produced;
    private int _order;

    // Per-slice state used by Emit.
    private long _sliceEnd;
    private int _session;

    public EventScheduler(Catalog catalog, double badRate, ulong seed, long windowEnd, long total)
    {
        _catalog = catalog;
        _badRate = badRate;
        _rng = new Rng(seed);
        _windowEnd = windowEnd;
        _total = total;
    }

    public List<SessionState> Sessions => _sessions;

    public long Produced => _produced;

    /// <summary>
    /// Schedules sessions starting in [<paramref name="from"/>, <paramref name="to"/>) until
    /// <paramref name="cumulativeTarget"/> lines exist, and returns the lines that fall in the
    /// slice, sorted by time. The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<EventRecord> NextSlice(long from, long to, long cumulativeTarget)
    {
        _sliceEnd = to;
        _batchCount = 0;
        int kept = 0;
        for (int i = 0; i < _carryCount; i++)
        {
            if (_carry[i].Time < to)
            {
                Add(ref _batch, ref _batchCount, _carry[i]);
            }
            else
            {
                _carry[kept++] = _carry[i];
            }
        }

        _carryCount = kept;
        cumulativeTarget = Math.Min(cumulativeTarget, _total);
        while (_produced < cumulativeTarget)
        {
            long start = from + (long)(_rng.NextDouble() * (to - from));
            RunSession(start);
        }

        Span<EventRecord> batch = _batch.AsSpan(0, _batchCount);
        batch.Sort(default(RecordComparer));
        return batch;
    }

    private static void Add(ref EventRecord[] array, ref int count, in EventRecord record)
    {
        if (count == array.Length)
        {
            Array.Resize(ref array, array.Length * 2);
        }

        array[count++] = record;
    }

    private void RunSession(long start)
    {
        double r = _rng.NextDouble();
        if (r < 0.04)
        {
            AnonymousSession(start);
            return;
        }

        int learner = _rng.Pick(_catalog.LearnerCumulative);
        LearnerInfo info = _catalog.Learners[learner];
        int course = info.Courses[_rng.Below(info.Courses.Length)];
        if (r < 0.05)
        {
            TaskBurst(start, learner, course);
            return;
        }

        bool mobile = info.MobileShare > 0 && _rng.Chance(info.MobileShare);
        _session = _sessions.Count;
        _sessions.Add(new SessionState
        {
            IdHigh = _rng.Next(),
            IdLow = _rng.Next(),
            IpBits = _rng.Chance(0.85) ? info.IpBits : _rng.Next(),
            Learner = learner,
            Agent = mobile ? info.MobileAgent : info.Agent,
            Mobile = mobile,
        });

        if (mobile)
        {
            MobileSession(start, course);
        }
        else
        {
            BrowserSession(start, course);
        }
    }

    private void AnonymousSession(long t)
    {
        _session = _sessions.Count;
        _sessions.Add(new SessionState
        {
            IdHigh = _rng.Next(),
            IdLow = _rng.Next(),
            IpBits = _rng.Next(),
            Learner = -1,
            Agent = Math.Min(Vocabulary.DesktopAgents.Length - 1, (int)_rng.Exponential(3)),
        });
        int course = _rng.Below(_catalog.Courses.Length);
        int pages = _rng.Between(1, 4);
        for (int i = 0; i < pages; i++)
        {
            if (!Emit(EventKind.ServerAnonymous, t, course, 0, _rng.Below(Vocabulary.AnonymousPaths.Length)))
            {
                return;
            }

            t += Gap(20);
        }
    }

    private void TaskBurst(long t, int learner, int course)
    {
        _session = _sessions.Count;
        _sessions.Add(new SessionState { Learner = learner, Agent = -1 });
        int count = _rng.Between(1, 3);
        for (int i = 0; i < count; i++)
        {
            if (!Emit(EventKind.Task, t, course, 0, i % Vocabulary.TaskEvents.Length))
            {
                return;
            }

            t += (long)(_rng.NextDouble() * 0.05 * Second);
        }
    }

    private void MobileSession(long t, int course)
    {
        CourseInfo c = _catalog.Courses[course];
        if (!Emit(EventKind.ServerMobileApi, t, course, 0, _rng.Below(3)))
        {
            return;
        }

        int steps = (int)Math.Min(200, _rng.Pareto(4, 1.8));
        int video = -1;
        double pos = 0;
        for (int i = 0; i < steps; i++)
        {
            t += Gap(40);
            if (c.Videos.Length == 0)
            {
                if (!Emit(EventKind.ServerMobileApi, t, course, 0, _rng.Below(3)))
                {
                    return;
                }

                continue;
            }

            int action;
            if (video < 0 || _rng.Chance(0.1))
            {
                video = _rng.Below(c.Videos.Length);
                pos = 0;
                action = 0;
            }
            else
            {
                pos = Math.Min(c.Videos[video].DurationSeconds, pos + (_rng.NextDouble() * 120));
                action = _rng.Below(10) switch { < 4 => 1, < 7 => 2, 7 => 4, 8 => 5, _ => 3 };
            }

            if (!Emit(EventKind.MobileVideo, t, course, video, action, (float)pos))
            {
                return;
            }
        }
    }

    private void BrowserSession(long t, int course)
    {
        CourseInfo c = _catalog.Courses[course];
        int seq = (int)(c.Sequentials.Length * Math.Pow(_rng.NextDouble(), 1.5));
        int unit = 1;
        if (_rng.Chance(0.2))
        {
            if (!Emit(EventKind.ServerNoCourse, t, course, 0, 0))
            {
                return;
            }

            t += Gap(8);
        }

        if (_rng.Chance(0.01) && !Emit(EventKind.EnrollmentActivated, t, course, 0, 0))
        {
            return;
        }

        if (!Emit(EventKind.ServerCourseware, t, course, seq, 0))
        {
            return;
        }

        int steps = (int)Math.Min(600, _rng.Pareto(7, 1.7));
        int video = -1;
        bool playing = false;
        double pos = 0;
        double speed = 1.0;
        long last = t;
        for (int i = 0; i < steps; i++)
        {
            SequentialInfo s = c.Sequentials[seq];
            t += playing ? Gap(70) : Gap(22);
            if (playing)
            {
                pos += (t - last) / (double)Second * speed;
            }

            last = t;
            double w = _rng.NextDouble() * 100;
            bool ok;
            if (s.VideoCount > 0 && w < 42)
            {
                if (video < s.VideoStart || video >= s.VideoStart + s.VideoCount)
                {
                    video = s.VideoStart + _rng.Below(s.VideoCount);
                    pos = 0;
                    playing = false;
                    ok = Emit(EventKind.LoadVideo, t, course, video, 0);
                    t += Gap(2);
                    ok = ok && Emit(EventKind.PlayVideo, t, course, video, 0, 0);
                    playing = true;
                }
                else
                {
                    double duration = c.Videos[video].DurationSeconds;
                    if (playing && pos >= duration)
                    {
                        pos = duration;
                        playing = false;
                        ok = Emit(EventKind.StopVideo, t, course, video, 0, (float)pos);
                    }
                    else
                    {
                        int a = _rng.Below(100);
                        if (playing && a < 55)
                        {
                            playing = false;
                            ok = Emit(EventKind.PauseVideo, t, course, video, 0, (float)pos);
                        }
                        else if (!playing && a < 70)
                        {
                            playing = true;
                            ok = Emit(EventKind.PlayVideo, t, course, video, 0, (float)pos);
                        }
                        else if (a < 90)
                        {
                            double to = _rng.NextDouble() * duration;
                            ok = Emit(EventKind.SeekVideo, t, course, video, 0, (float)pos, (float)to);
                            pos = to;
                        }
                        else
                        {
                            double old = speed;
                            speed = _rng.Below(5) switch { 0 => 0.75, 1 => 1.0, 2 => 1.25, 3 => 1.5, _ => 2.0 };
                            ok = Emit(EventKind.SpeedChangeVideo, t, course, video, (int)(old * 100), (float)pos, (float)speed);
                        }
                    }
                }
            }
            else if (w < 58)
            {
                int n = _rng.Below(100);
                if (n < 30 || s.Units <= 1)
                {
                    seq = (seq + 1 + _rng.Below(3)) % c.Sequentials.Length;
                    unit = 1;
                    playing = false;
                    ok = Emit(EventKind.ServerCourseware, t, course, seq, 0);
                }
                else if (n < 65 && unit < s.Units)
                {
                    ok = Emit(EventKind.SeqNext, t, course, seq, unit);
                    unit++;
                }
                else if (n < 75 && unit > 1)
                {
                    ok = Emit(EventKind.SeqPrev, t, course, seq, unit);
                    unit--;
                }
                else
                {
                    int target = _rng.Between(1, s.Units);
                    ok = Emit(EventKind.SeqGoto, t, course, seq, (unit << 8) | target);
                    unit = target;
                }
            }
            else if (s.ProblemCount > 0 && w < 65)
            {
                int problem = s.ProblemStart + _rng.Below(s.ProblemCount);
                int attempts = _rng.Between(1, 3);
                ok = Emit(EventKind.ProblemCheckBrowser, t, course, problem, attempts);
                t += (long)((0.1 + _rng.NextDouble()) * Second);
                ok = ok && Emit(EventKind.ProblemCheckServer, t, course, problem, attempts);
            }
            else if (w < 76)
            {
                ok = Emit(EventKind.ServerCoursePage, t, course, seq, _rng.Below(Vocabulary.CoursePages.Length));
            }
            else if (w < 82)
            {
                ok = video >= 0
                    ? Emit(EventKind.ServerVideoHandler, t, course, video, 0, (float)pos)
                    : Emit(EventKind.ServerCourseware, t, course, seq, 0);
            }
            else if (w < 89)
            {
                ok = Emit(EventKind.ServerNoCourse, t, course, 0, _rng.Below(Vocabulary.NoCoursePaths.Length));
            }
            else if (w < 96)
            {
                // One event in a hundred of this draw's range follows a link instead of closing the page (the draw is
                // the same, so adding link clicks left the rest of the schedule as it was).
                playing = false;
                ok = Emit(w < 95 ? EventKind.PageClose : EventKind.LinkClicked, t, course, seq, 0);
            }
            else if (w < 97.4)
            {
                ok = Emit(EventKind.ServerCoursePage, t, course, seq, 2);
                t += Gap(60);
                int f = _rng.Below(10);
                EventKind kind = f < 3 ? EventKind.ForumThreadCreated : f < 7 ? EventKind.ForumResponseCreated : EventKind.ForumCommentCreated;
                ok = ok && Emit(kind, t, course, _rng.Below(c.CategoryIds.Length), 0);
            }
            else if (w < 97.8)
            {
                int e = _rng.Below(10);
                EventKind kind = e < 6 ? EventKind.EnrollmentActivated : e < 8 ? EventKind.EnrollmentModeChanged : EventKind.EnrollmentDeactivated;
                ok = Emit(kind, t, course, 0, 0);
            }
            else
            {
                ok = Emit(EventKind.ServerCourseware, t, course, seq, 0);
            }

            if (!ok)
            {
                return;
            }
        }
    }

    /// <summary>Microsecond gap with an exponential body and a half-second floor.</summary>
    private long Gap(double meanSeconds) => (long)((0.5 + _rng.Exponential(meanSeconds)) * Second);

    /// <summary>Schedules one line; false when the session must stop (window end or file budget reached).</summary>
    private bool Emit(EventKind kind, long time, int course, int item, int aux, float value = 0, float value2 = 0)
    {
        if (time >= _windowEnd || _produced >= _total)
        {
            return false;
        }

        var record = new EventRecord
        {
            Time = time,
            Order = _order++,
            Session = _session,
            Course = (short)course,
            Kind = kind,
            Item = item,
            Aux = aux,
            Value = value,
            Value2 = value2,
            Seed = _rng.Next(),
        };

        if (_badRate > 0 && _rng.NextDouble() < _badRate)
        {
            SpoilLine(ref record);
        }

        _produced++;
        if (time < _sliceEnd)
        {
            Add(ref _batch, ref _batchCount, record);
        }
        else
        {
            Add(ref _carry, ref _carryCount, record);
        }

        return true;
    }

    /// <summary>
    /// Picks how a bad line is spoiled. Half the truncated lines are turned into problem_check
    /// events with submissions long enough to be cut at one of edX's historical limits; the rest
    /// are cut at a random point.
    /// </summary>
    private void SpoilLine(ref EventRecord record)
    {
        int k = _rng.Below(100);
        if (k < 15)
        {
            record.Bad = BadKind.Blank;
            return;
        }

        if (k < 35)
        {
            record.Bad = BadKind.NotJson;
            return;
        }

        SessionState session = _sessions[record.Session];
        CourseInfo c = _catalog.Courses[record.Course];
        if (k < 67 || session.Learner < 0 || session.Agent < 0 || c.Problems.Length == 0)
        {
            record.Bad = BadKind.TruncateRandom;
            return;
        }

        // Forum bodies are capped at 2,000 characters (as edX did), so the long lines are problem_check submissions.
        int limit = _rng.Below(10);
        record.Bad = limit < 6 ? BadKind.Truncate2043 : limit < 9 ? BadKind.Truncate10000 : BadKind.Truncate32000;
        record.Kind = EventKind.ProblemCheckServer;
        record.Item = _rng.Below(c.Problems.Length);
        record.Aux = 1;
    }

    private readonly struct RecordComparer : IComparer<EventRecord>
    {
        public int Compare(EventRecord x, EventRecord y)
        {
            int c = x.Time.CompareTo(y.Time);
            return c != 0 ? c : x.Order.CompareTo(y.Order);
        }
    }
}
