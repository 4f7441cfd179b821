namespace XAnalytics.Reports;

/// <summary>
/// The tallies of <see cref="AnswerDistributionSection"/>'s completion: per course and part its most recent answer,
/// and per part and grouping key the first and last counts and the most recent answer, all as ids (texts in an
/// <see cref="InternedBytes"/>, answers in the section's table). Parts and groups are flat arrays of structs in the
/// order first met (56 bytes a group), groups found through an open-addressing table of (part, grouping key); a
/// dictionary of <c>GroupTally</c> objects holding <c>Answer</c> records of strings took about 4x as much.
/// </summary>
internal sealed class AnswerTallies(InternedBytes texts)
{
    private readonly Dictionary<(int Course, int Part), int> _partIndex = [];
    private Tally[] _parts = new Tally[64];
    private Group[] _groups = new Group[256];
    private int[] _slots = new int[512]; // group + 1, 0 for empty; at most half full

    /// <summary>The courses and parts met, in the order first met.</summary>
    public int PartCount { get; private set; }

    /// <summary>The groups met, in the order first met.</summary>
    public int GroupCount { get; private set; }

    /// <summary>Part <paramref name="index"/>: its course, part id (text) and most recent answer (-1 until one is added) with its key.</summary>
    public ref readonly Tally Part(int index) => ref _parts[index];

    /// <summary>Group <paramref name="index"/>.</summary>
    public ref readonly Group GroupAt(int index) => ref _groups[index];

    /// <summary>
    /// Counts an answer (<paramref name="answer"/>, grouped by <paramref name="groupKey"/>) of part
    /// <paramref name="part"/> (text id) of course <paramref name="course"/>, given by <paramref name="key"/>: the
    /// part's and the group's most recent answers are replaced when <paramref name="key"/> is later (on equal keys the
    /// one added first stays).
    /// </summary>
    public void Add(int course, int part, in AnswerKey key, int answer, int groupKey)
    {
        if (!_partIndex.TryGetValue((course, part), out int p))
        {
            p = PartCount++;
            if (p == _parts.Length)
            {
                Array.Resize(ref _parts, p * 2);
            }

            _parts[p] = new Tally { Course = course, PartId = part, Answer = -1 };
            _partIndex.Add((course, part), p);
        }

        ref Tally tally = ref _parts[p];
        if (tally.Answer < 0 || key.CompareTo(tally.Key, texts) > 0)
        {
            tally.Answer = answer;
            tally.Key = key;
        }

        ref Group g = ref Find(p, groupKey);
        if (g.Answer < 0 || key.CompareTo(g.Key, texts) > 0)
        {
            g.Answer = answer;
            g.Key = key;
        }

        if (key.First)
        {
            g.First = checked(g.First + 1);
        }
        else
        {
            g.Last = checked(g.Last + 1);
        }
    }

    /// <summary>Each group's index by part, in the order first met: part p's groups are <c>order[starts[p]..starts[p + 1]]</c>.</summary>
    public (int[] Starts, int[] Order) GroupsByPart()
    {
        int[] starts = new int[PartCount + 1];
        for (int i = 0; i < GroupCount; i++)
        {
            starts[_groups[i].Part + 1]++;
        }

        for (int p = 0; p < PartCount; p++)
        {
            starts[p + 1] += starts[p];
        }

        int[] next = starts[..^1];
        int[] order = new int[GroupCount];
        for (int i = 0; i < GroupCount; i++)
        {
            order[next[_groups[i].Part]++] = i;
        }

        return (starts, order);
    }

    private ref Group Find(int part, int groupKey)
    {
        int mask = _slots.Length - 1;
        for (int s = Slot(part, groupKey, mask); ; s = (s + 1) & mask)
        {
            int g = _slots[s] - 1;
            if (g < 0)
            {
                g = GroupCount++;
                if (g == _groups.Length)
                {
                    Array.Resize(ref _groups, g * 2);
                }

                _groups[g] = new Group { Part = part, GroupKey = groupKey, Answer = -1 };
                _slots[s] = g + 1;
                if (GroupCount * 2 > _slots.Length)
                {
                    Rehash();
                }

                return ref _groups[g];
            }

            if (_groups[g].Part == part && _groups[g].GroupKey == groupKey)
            {
                return ref _groups[g];
            }
        }
    }

    private static int Slot(int part, int groupKey, int mask)
    {
        ulong h = (((ulong)(uint)part << 32) | (uint)groupKey) * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 32) & mask;
    }

    private void Rehash()
    {
        int[] slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int g = 0; g < GroupCount; g++)
        {
            int s = Slot(_groups[g].Part, _groups[g].GroupKey, mask);
            while (slots[s] != 0)
            {
                s = (s + 1) & mask;
            }

            slots[s] = g + 1;
        }

        _slots = slots;
    }

    /// <summary>One course and part: its most recent answer (-1: none yet) and that answer's key.</summary>
    internal struct Tally
    {
        public int Course;
        public int PartId;
        public int Answer;
        public AnswerKey Key;
    }

    /// <summary>One grouping key of a part: its first and last counts and its most recent answer (its row's metadata).</summary>
    internal struct Group
    {
        public int Part;
        public int GroupKey;
        public int Answer;
        public int First;
        public int Last;
        public AnswerKey Key;
    }
}
