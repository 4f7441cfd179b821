namespace XAnalytics.Reports.Learners;

/// <summary>
/// One learner's fold in one course, fed the learner's events of that course in time order: sessions, time on task
/// per day, and the person-course counts. Reused from learner to learner (<see cref="Reset"/>).
/// </summary>
internal sealed class CourseState
{
    private readonly HashSet<ulong> _chapters = [];
    private long _sessionGap;
    private long _shortTimeout;
    private long _longTimeout;
    private string _learner = string.Empty;

    private long _first;
    private long _last;
    private long _events;
    private int _days;
    private int _lastDay;
    private long _playVideo;
    private long _problemCheck;
    private long _forumPosts;
    private bool _viewed;

    private long _sessionStart;
    private int _sessionEvents;
    private int _sessions;
    private long _sessionTicks;

    private long _lastVideo;
    private long _lastProblem;
    private long _lastForum;
    private long _lastText;
    private int _gapDay;
    private TimeOnTask _dayShort;
    private TimeOnTask _dayLong;
    private TimeOnTask _sumShort;
    private TimeOnTask _sumLong;

    public int Course { get; private set; }

    public void Reset(int course, string learner, long sessionGap, long shortTimeout, long longTimeout)
    {
        Course = course;
        _learner = learner;
        _sessionGap = sessionGap;
        _shortTimeout = shortTimeout;
        _longTimeout = longTimeout;
        _chapters.Clear();
        _first = _last = 0;
        _events = _playVideo = _problemCheck = _forumPosts = 0;
        _days = 0;
        _lastDay = int.MinValue;
        _viewed = false;
        _sessionStart = 0;
        _sessionEvents = _sessions = 0;
        _sessionTicks = 0;
        _lastVideo = _lastProblem = _lastForum = _lastText = long.MinValue;
        _gapDay = int.MinValue;
        _dayShort = _dayLong = _sumShort = _sumLong = default;
    }

    /// <summary>Folds in the learner's next event of the course (times never go back: the events come sorted).</summary>
    public void Add(LearnerTablesPartial target, long ticks, int day, TaskKinds kinds, bool playVideo, bool problemCheck, bool forumPost, bool courseware, ulong chapter)
    {
        if (_events == 0)
        {
            _first = ticks;
            _sessionStart = ticks;
        }
        else
        {
            long gap = ticks - _last;
            if (gap >= _sessionGap)
            {
                EndSession(target);
                _sessionStart = ticks;
            }

            // edx2bigquery: every event with a predecessor (lag over the learner's events of the course) adds its gap to
            // the day of its own time when the gap is under the timeout; a day with such an event is a row.
            if (day != _gapDay)
            {
                EndDay(target);
                _gapDay = day;
            }

            AddGap(ref _dayShort.Total, ref _dayLong.Total, gap);
            if ((kinds & TaskKinds.Video) != 0 && _lastVideo != long.MinValue)
            {
                AddGap(ref _dayShort.Video, ref _dayLong.Video, ticks - _lastVideo);
            }

            if ((kinds & TaskKinds.Problem) != 0 && _lastProblem != long.MinValue)
            {
                AddGap(ref _dayShort.Problem, ref _dayLong.Problem, ticks - _lastProblem);
            }

            if ((kinds & TaskKinds.Forum) != 0 && _lastForum != long.MinValue)
            {
                AddGap(ref _dayShort.Forum, ref _dayLong.Forum, ticks - _lastForum);
            }

            if ((kinds & TaskKinds.Text) != 0 && _lastText != long.MinValue)
            {
                AddGap(ref _dayShort.Text, ref _dayLong.Text, ticks - _lastText);
            }
        }

        _lastVideo = (kinds & TaskKinds.Video) != 0 ? ticks : _lastVideo;
        _lastProblem = (kinds & TaskKinds.Problem) != 0 ? ticks : _lastProblem;
        _lastForum = (kinds & TaskKinds.Forum) != 0 ? ticks : _lastForum;
        _lastText = (kinds & TaskKinds.Text) != 0 ? ticks : _lastText;
        _last = ticks;
        _events++;
        _sessionEvents++;
        if (day != _lastDay)
        {
            _days++;
            _lastDay = day;
        }

        _playVideo += playVideo ? 1 : 0;
        _problemCheck += problemCheck ? 1 : 0;
        _forumPosts += forumPost ? 1 : 0;
        _viewed |= courseware;
        if (chapter != 0 && _chapters.Add(chapter))
        {
            target.CourseChapters.Add((Course, chapter));
        }
    }

    /// <summary>Ends the learner in this course: the last session and day, and the person-course row.</summary>
    public void Finish(LearnerTablesPartial target, string? country)
    {
        if (_events == 0)
        {
            return;
        }

        EndSession(target);
        EndDay(target);
        target.People.Add(new PersonDraft(Course, new PersonCourseRow
        {
            CourseId = string.Empty,
            Learner = _learner,
            Viewed = _viewed,
            Events = _events,
            DaysActive = _days,
            PlayVideo = _playVideo,
            Chapters = _chapters.Count,
            ForumPosts = _forumPosts,
            ProblemCheck = _problemCheck,
            FirstEventTicks = _first,
            LastEventTicks = _last,
            Country = country,
            Sessions = _sessions,
            SessionTicks = _sessionTicks,
            ShortGaps = _sumShort,
            LongGaps = _sumLong,
        }));
    }

    private void AddGap(ref long shortSum, ref long longSum, long gap)
    {
        // Strictly under the timeout, as edx2bigquery's SQL writes it (`dt < {timeout}*60`); its docstring says `<=`.
        if (gap < _shortTimeout)
        {
            shortSum += gap;
        }

        if (gap < _longTimeout)
        {
            longSum += gap;
        }
    }

    private void EndSession(LearnerTablesPartial target)
    {
        target.Sessions.Add(new SessionDraft(Course, _learner, _sessionStart, _last, _sessionEvents));
        _sessions++;
        _sessionTicks += _last - _sessionStart;
        _sessionEvents = 0;
    }

    private void EndDay(LearnerTablesPartial target)
    {
        if (_gapDay == int.MinValue)
        {
            return;
        }

        target.Days.Add(new DayDraft(Course, _learner, _gapDay, _dayShort, _dayLong));
        _sumShort.Add(_dayShort);
        _sumLong.Add(_dayLong);
        _dayShort = _dayLong = default;
        _gapDay = int.MinValue;
    }
}
