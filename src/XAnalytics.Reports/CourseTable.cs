using System.Collections.Concurrent;
using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Reports;

/// <summary>
/// Courses shared by all threads of a run: a small id per canonical course (<see cref="CourseKey"/>: the same course
/// written <c>course-v1:Org+Num+Run</c> and <c>Org/Num/Run</c> is one), so partials merge by number.
/// </summary>
/// <remarks>
/// A course is written out as edX writes it (<see cref="Name"/>): <c>course-v1:Org+Num+Run</c> when any event of the
/// run named it in the new form (<c>course-v1:</c>, <c>block-v1:</c>), else <c>Org/Num/Run</c>; a CCX (a course of
/// its own) as its <c>ccx-v1:Org+Num+Run+ccx@N</c> id.
/// Whether any event did does not depend on the order threads see them, so the name is the same on every run.
/// </remarks>
internal sealed class CourseTable
{
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, byte> _newStyle = new();
    private readonly List<CourseKey> _keys = [];

    // Each course's name in either form, made once (the writers ask for it per row); which form is written depends on
    // _newStyle when asked.
    private readonly List<string?> _oldForm = [];
    private readonly List<string?> _newForm = [];
    private readonly Lock _lock = new();

    /// <summary>The course's id; <paramref name="newStyle"/> when this event wrote it in the new form.</summary>
    public int GetId(in CourseKey key, bool newStyle)
    {
        string canonical = key.ToString();
        if (!_ids.TryGetValue(canonical, out int id))
        {
            lock (_lock)
            {
                if (!_ids.TryGetValue(canonical, out id))
                {
                    id = _keys.Count;
                    _keys.Add(key);
                    _oldForm.Add(null);
                    _newForm.Add(null);
                    _ids[canonical] = id;
                }
            }
        }

        if (newStyle)
        {
            MarkNewStyle(id);
        }

        return id;
    }

    /// <summary>Records that an event wrote course <paramref name="id"/> in the new form.</summary>
    public void MarkNewStyle(int id)
    {
        if (!_newStyle.ContainsKey(id))
        {
            _newStyle.TryAdd(id, 0);
        }
    }

    /// <summary>The course as edX writes it (see the remarks).</summary>
    public string Name(int id)
    {
        bool newStyle = _newStyle.ContainsKey(id);
        lock (_lock)
        {
            CourseKey key = _keys[id];
            if (key.Ccx is not null)
            {
                return _newForm[id] ??= key.ToString(); // a CCX has only the ccx-v1: form
            }

            return newStyle && key.Run is not null
                ? _newForm[id] ??= $"course-v1:{key.Org}+{key.Number}+{key.Run}"
                : _oldForm[id] ??= key.ToString();
        }
    }

    /// <summary>
    /// Writes every course of the run (the built-in report parts' table), ordered by canonical id as
    /// <see cref="WriteSorted(PartialWriter, HashSet{int})"/> orders a section's: the bytes do not depend on the order
    /// threads met the courses. Returns each id's position in what was written.
    /// </summary>
    public int[] WriteSorted(PartialWriter writer)
    {
        int count;
        lock (_lock)
        {
            count = _keys.Count;
        }

        return WriteSorted(writer, [.. Enumerable.Range(0, count)]);
    }

    /// <summary>
    /// Writes the courses <paramref name="used"/> names in the partial files' layout, ordered by canonical id (so the
    /// bytes do not depend on the order threads met the courses); returns each id's position in what was written, or -1
    /// for an id not written.
    /// </summary>
    public int[] WriteSorted(PartialWriter writer, HashSet<int> used)
    {
        CourseKey[] keys;
        lock (_lock)
        {
            keys = [.. _keys];
        }

        var ids = new List<(string Canonical, int Id)>(used.Count);
        foreach (int id in used)
        {
            if (id >= 0)
            {
                ids.Add((keys[id].ToString(), id));
            }
        }

        ids.Sort(static (a, b) => string.CompareOrdinal(a.Canonical, b.Canonical));
        int[] positions = new int[keys.Length];
        Array.Fill(positions, -1);
        writer.WriteUInt((ulong)ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            WriteKey(writer, keys[ids[i].Id], _newStyle.ContainsKey(ids[i].Id));
            positions[ids[i].Id] = i;
        }

        return positions;
    }

    /// <summary>Reads what <see cref="WriteSorted(PartialWriter, HashSet{int})"/> wrote into this table: the id here of each id there.</summary>
    public int[] ReadMap(PartialReader reader)
    {
        int n = reader.ReadCount();
        int[] map = new int[n];
        for (int i = 0; i < n; i++)
        {
            var key = new CourseKey(reader.ReadString(), reader.ReadString(), reader.ReadNullableString());
            ulong form = reader.ReadUInt();
            if (form == CcxForm)
            {
                key = key with { Ccx = reader.ReadString() };
            }
            else if (form > 1)
            {
                throw reader.Corrupt($"course form {form}");
            }

            map[i] = GetId(key, newStyle: form == 1);
        }

        return map;
    }

    /// <summary>The form flag of a CCX in the partial layout (0: <c>Org/Num/Run</c>, 1: <c>course-v1:</c>), its number following.</summary>
    private const ulong CcxForm = 2;

    /// <summary>One course in the partial layout: org, number, run, then its form (0, 1, or 2 and the CCX's number).</summary>
    private static void WriteKey(PartialWriter writer, in CourseKey key, bool newStyle)
    {
        writer.WriteString(key.Org);
        writer.WriteString(key.Number);
        writer.WriteNullableString(key.Run);
        if (key.Ccx is not null)
        {
            writer.WriteUInt(CcxForm);
            writer.WriteString(key.Ccx);
            return;
        }

        writer.WriteUInt(newStyle ? 1UL : 0UL);
    }

    /// <summary>The id here of a course id read from a partial (negative: no course), through <paramref name="map"/>.</summary>
    public static int Remap(int[] map, long id, PartialReader reader)
        => id < 0 ? -1 : id < map.Length ? map[id] : throw reader.Corrupt($"course {id} of {map.Length}");
}
