using System.IO.Hashing;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Internal;

namespace XAnalytics.Reports;

/// <summary>
/// What <see cref="ProblemResponseSection"/> and <see cref="AnswerDistributionSection"/> both read of a server
/// <c>problem_check</c> (<c>answer_dist.get_problem_check_event</c>): its <c>event</c> object indexed once, the answers
/// checked (<see cref="ProblemResponseSection.ValidAnswers"/>), the <c>problem_id</c> unescaped and the compact copy
/// (<see cref="ProblemResponseSection.Compact"/>), read once per event for both, as <see cref="EventFacts"/> reads the
/// facts: per thread, the last batch remembered by reference (a <c>CombinedAggregate</c> hands each part the same batch
/// in turn on one thread).
/// </summary>
internal sealed class ProblemSubmissions : IDisposable
{
    private static readonly FieldPath s_event = FieldPath.Parse("event");
    private static readonly FieldPath s_time = FieldPath.Parse("time");

    private readonly ThreadLocal<Reader> _readers = new(() => new Reader());

    /// <summary>
    /// The problem id and compact copy of event <paramref name="i"/> of <paramref name="batch"/>, which
    /// <see cref="ServerProblemCheck.Is"/> chose, with the problem id's 64-bit hash (XxHash3, computed once for both
    /// tables: part of the learner's problem key): false when its <c>event</c> is no object, its answers are not valid,
    /// or it has no string <c>problem_id</c>. The spans are valid until this thread reads another batch.
    /// </summary>
    public bool TryRead(EventBatch batch, int i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact)
        => _readers.Value!.TryRead(batch, i, out problemId, out problemHash, out compact);

    public void Dispose() => _readers.Dispose();

    /// <summary>
    /// edX's <c>eventlog.get_event_time</c> (edx-analytics-pipeline <c>util/eventlog.py</c>): the time cut at its
    /// first <c>+</c> (<c>get_event_time_string</c>; <c>.000000</c> added when it has no <c>.</c>) parsed with
    /// <c>strptime(..., '%Y-%m-%dT%H:%M:%S.%f')</c>. So a time ending in <c>Z</c>, with a negative offset or with
    /// more than 6 fraction digits does not parse, and edX drops the submission. (Fields are read as two digits
    /// each, as edX's LMS writes them; strptime would also take one.)
    /// </summary>
    internal static bool IsEdxEventTime(ReadOnlySpan<byte> time)
    {
        int plus = time.IndexOf((byte)'+');
        if (plus >= 0)
        {
            time = time[..plus];
        }

        if (time.Length < 19 || time[4] != '-' || time[7] != '-' || time[10] != 'T' || time[13] != ':' || time[16] != ':')
        {
            return false;
        }

        ReadOnlySpan<int> digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
        foreach (int d in digits)
        {
            if (!char.IsAsciiDigit((char)time[d]))
            {
                return false;
            }
        }

        int month = Two(time, 5), day = Two(time, 8), year = ((time[0] - '0') * 1000) + ((time[1] - '0') * 100) + Two(time, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || Two(time, 11) > 23 || Two(time, 14) > 59 || Two(time, 17) > 61)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = time[19..];
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest[0] != '.' || rest.Length < 2 || rest.Length > 7)
        {
            return false;
        }

        foreach (byte b in rest[1..])
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return true;

        static int Two(ReadOnlySpan<byte> t, int at) => ((t[at] - '0') * 10) + (t[at + 1] - '0');
    }

    private sealed class Reader
    {
        private EventBatch? _last;
        private int _lastCount;
        // Per event of the batch: 0 not read yet, 1 a submission (spans in _arena), 2 none.
        private byte[] _state = new byte[EventBatch.DefaultMaxEvents];
        private (int Problem, int ProblemLength, int Compact, int CompactLength)[] _spans = new (int, int, int, int)[EventBatch.DefaultMaxEvents];
        private ulong[] _hashes = new ulong[EventBatch.DefaultMaxEvents];
        private byte[] _arena = new byte[64 * 1024];
        private int _used;
        private TopField[] _fields = new TopField[32];
        private byte[] _compact = new byte[1024];

        public bool TryRead(EventBatch batch, int i, out ReadOnlySpan<byte> problemId, out ulong problemHash, out ReadOnlySpan<byte> compact)
        {
            if (!ReferenceEquals(batch, _last) || batch.Count != _lastCount)
            {
                if (_state.Length < batch.Count)
                {
                    _state = new byte[batch.Count];
                    _spans = new (int, int, int, int)[batch.Count];
                    _hashes = new ulong[batch.Count];
                }

                Array.Clear(_state, 0, batch.Count);
                _used = 0;
                _last = batch;
                _lastCount = batch.Count;
            }

            if (_state[i] == 0)
            {
                _state[i] = Read(batch, i) ? (byte)1 : (byte)2;
            }

            if (_state[i] == 2)
            {
                problemId = compact = default;
                problemHash = 0;
                return false;
            }

            (int p, int pl, int c, int cl) = _spans[i];
            problemId = _arena.AsSpan(p, pl);
            compact = _arena.AsSpan(c, cl);
            problemHash = _hashes[i];
            return true;
        }

        private bool Read(EventBatch batch, int i)
        {
            // get_problem_check_event asks get_augmented_event_data for the 'timestamp', which is None (the event
            // dropped) when eventlog.get_event_time cannot parse the time.
            if (!batch.TryGetField(i, s_time, out FieldValue time) || time.Kind != JsonTokenType.String
                || !IsEdxEventTime(time.HasEscapes ? System.Text.Encoding.UTF8.GetBytes(time.GetString()!) : time.Utf8))
            {
                return false;
            }

            if (!batch.TryGetField(i, s_event, out FieldValue data) || data.Kind != JsonTokenType.StartObject)
            {
                return false;
            }

            var members = new ObjectMembers(data.RawJson, ref _fields);
            if (!ProblemResponseSection.ValidAnswers(members) || !members.TryGet("problem_id"u8, out FieldValue p) || p.Kind != JsonTokenType.String)
            {
                return false;
            }

            // The problem id unescaped (never longer than as written), then the compact copy, side by side in the arena.
            ReadOnlySpan<byte> compact = ProblemResponseSection.Compact(members, ref _compact);
            Ensure(p.Utf8.Length + compact.Length);
            int problem = _used;
            int problemLength = p.HasEscapes ? JsonBytes.Unescape(p.Utf8, _arena.AsSpan(_used)) : Copy(p.Utf8);
            if (p.HasEscapes)
            {
                _used += problemLength;
            }

            int at = _used;
            _spans[i] = (problem, problemLength, at, Copy(compact));
            _hashes[i] = XxHash3.HashToUInt64(_arena.AsSpan(problem, problemLength));
            return true;
        }

        private int Copy(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_arena.AsSpan(_used));
            _used += bytes.Length;
            return bytes.Length;
        }

        private void Ensure(int more)
        {
            if (_arena.Length - _used < more)
            {
                // Spans handed out before keep the old array alive; what is read from here on is in the new one.
                Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + more));
            }
        }
    }
}
