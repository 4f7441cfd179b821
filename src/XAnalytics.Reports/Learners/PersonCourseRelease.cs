using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace XAnalytics.Reports.Learners;

/// <summary>
/// A de-identified copy of a <c>person_course.csv</c> (as <see cref="LearnerTableWriter"/> writes it): learners replaced
/// by <c>desensitize</c>'s keyed pseudonyms, quasi-identifiers generalised (country to region, the first and last
/// event's times to months), and the rows of every combination of quasi-identifiers holding fewer than k learners
/// suppressed; then the written table is checked to be k-anonymous before it is published (one rename, as reports are).
/// </summary>
/// <remarks>
/// Generalisation is one fixed step, then suppression: no search for the generalisation that would suppress least.
/// Columns that are not quasi-identifiers are released as they are (they are what researchers study); whoever
/// releases decides which of them an adversary could know, and names them in <see cref="ReleaseOptions.QuasiIdentifiers"/>.
/// </remarks>
public static class PersonCourseRelease
{
    /// <summary>The released table's file name.</summary>
    public const string CsvFileName = "person_course_release.csv";

    /// <summary>The report's file name.</summary>
    public const string ReportFileName = "release_report.md";

    private const char Separator = '\u001f';

    /// <summary>Releases <paramref name="personCourseCsv"/> into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="ArgumentException">Bad options, or the input lacks a column they name.</exception>
    /// <exception cref="InvalidOperationException">The written table failed its k-anonymity check (nothing is published).</exception>
    public static ReleaseResult Write(string personCourseCsv, string outputDirectory, ReleaseOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(personCourseCsv);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.K < 2)
        {
            throw new ArgumentException($"--k must be at least 2, not {options.K}.", nameof(options));
        }

        var key = options.Key ?? throw new ArgumentException("The release needs the pseudonym key (the same as desensitize's).", nameof(options));
        if (!File.Exists(personCourseCsv))
        {
            throw new FileNotFoundException($"Not found: {personCourseCsv}", personCourseCsv);
        }

        var notes = new List<string>();
        RegionMap? regions = RegionMap.Load(options.PublicDataDir);
        (string[] header, List<string[]> rows) = Read(personCourseCsv);
        int course = Column(header, "course_id", personCourseCsv);
        int learner = Column(header, "learner", personCourseCsv);

        // Released columns: course_id, learner (pseudonym), then the rest, with country, first_event and last_event generalised.
        var released = new List<string> { "course_id", "learner" };
        var sources = new List<int> { course, learner };
        for (int c = 0; c < header.Length; c++)
        {
            if (c != course && c != learner)
            {
                released.Add(header[c] switch { "country" => "region", "first_event" => "first_event_month", "last_event" => "last_event_month", string h => h });
                sources.Add(c);
            }
        }

        var quasi = new List<int> { 0 };
        var quasiNames = new List<string> { "course_id" };
        foreach (string name in options.QuasiIdentifiers)
        {
            string column = name is "country" ? "region" : name;
            int at = column is "learner" ? -1 : released.IndexOf(column);
            if (at < 0)
            {
                throw new ArgumentException($"--quasi: '{name}' is not a column of {personCourseCsv} (after generalisation: {string.Join(", ", released.Skip(2))}).", nameof(options));
            }

            if (!quasi.Contains(at))
            {
                quasi.Add(at);
                quasiNames.Add(column);
            }
        }

        if (regions is null && header.Contains("country"))
        {
            notes.Add("No CIA Factbook (cia-data-all.csv, languages.csv) in public-data-dir: country cannot be generalised to a region and is released as '*'.");
        }

        var pseudonyms = new Dictionary<string, string>(StringComparer.Ordinal);
        var table = new List<string[]>(rows.Count);
        foreach (string[] row in rows)
        {
            var cells = new string[released.Count];
            for (int i = 0; i < cells.Length; i++)
            {
                string value = row[sources[i]];
                cells[i] = released[i] switch
                {
                    "learner" => pseudonyms.TryGetValue(value, out string? p) ? p : pseudonyms[value] = key.Pseudonymize(value),
                    "region" => regions?.RegionOf(value) ?? "*",
                    "first_event_month" or "last_event_month" => value.Length >= 7 && DateOnly.TryParseExact(value[..7] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? value[..7] : string.Empty,
                    _ => value,
                };
            }

            table.Add(cells);
        }

        // Suppress every combination of fewer than k learners.
        var learners = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string[] cells in table)
        {
            string combination = Combination(cells, quasi);
            if (!learners.TryGetValue(combination, out HashSet<string>? set))
            {
                learners[combination] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(cells[1]);
        }

        var kept = new List<string[]>(table.Count);
        var suppressedPerCourse = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int smallCombinations = 0;
        foreach (HashSet<string> set in learners.Values)
        {
            smallCombinations += set.Count < options.K ? 1 : 0;
        }

        foreach (string[] cells in table)
        {
            if (learners[Combination(cells, quasi)].Count >= options.K)
            {
                kept.Add(cells);
            }
            else
            {
                suppressedPerCourse[cells[0]] = suppressedPerCourse.GetValueOrDefault(cells[0]) + 1;
            }
        }

        // Sorted by course and pseudonym: the input's order (by username) must not show through.
        kept.Sort(static (a, b) => string.CompareOrdinal(a[0], b[0]) is int c and not 0 ? c : string.CompareOrdinal(a[1], b[1]));
        string output = Path.GetFullPath(outputDirectory);
        Internal.StagedFolder staged = Internal.StagedFolder.Create(
            output, replace: true, static e => e.Name is CsvFileName or ReportFileName, refusal: string.Empty);
        try
        {
            string csvPath = Path.Combine(staged.Path, CsvFileName);
            using (var csv = new CsvTable(csvPath, [.. released]))
            {
                foreach (string[] cells in kept)
                {
                    csv.Row(cells);
                }
            }

            KAnonymityCheck check = Check(csvPath, quasiNames.Skip(1).ToList(), options.K);
            if (!check.IsKAnonymous || check.Rows != kept.Count)
            {
                throw new InvalidOperationException($"The released table failed its k-anonymity check ({check.ClassesUnderK} combinations under k={options.K}); nothing was published.");
            }

            File.WriteAllText(Path.Combine(staged.Path, ReportFileName),
                Report(personCourseCsv, options, quasiNames, regions is not null, rows.Count, kept.Count, smallCombinations, suppressedPerCourse, check, notes),
                new UTF8Encoding(false));
            staged.Publish();
            return new ReleaseResult(output, Path.Combine(output, CsvFileName), Path.Combine(output, ReportFileName), rows.Count, kept.Count, rows.Count - kept.Count, check, notes);
        }
        catch
        {
            staged.Discard();
            throw;
        }
    }

    /// <summary>
    /// Checks a released table: every combination of <c>course_id</c> and <paramref name="quasiIdentifiers"/> (the
    /// released column names) must hold at least <paramref name="k"/> distinct learners.
    /// </summary>
    /// <exception cref="ArgumentException">The table lacks a named column.</exception>
    public static KAnonymityCheck Check(string releasedCsv, IReadOnlyList<string> quasiIdentifiers, int k)
    {
        ArgumentNullException.ThrowIfNull(quasiIdentifiers);
        (string[] header, List<string[]> rows) = Read(releasedCsv);
        var columns = new List<int> { Column(header, "course_id", releasedCsv) };
        foreach (string q in quasiIdentifiers)
        {
            columns.Add(Column(header, q, releasedCsv));
        }

        int learner = Column(header, "learner", releasedCsv);
        var classes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (string[] row in rows)
        {
            string combination = Combination(row, columns);
            if (!classes.TryGetValue(combination, out HashSet<string>? set))
            {
                classes[combination] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(row[learner]);
        }

        int smallest = classes.Count == 0 ? 0 : int.MaxValue, under = 0;
        foreach (HashSet<string> set in classes.Values)
        {
            smallest = Math.Min(smallest, set.Count);
            under += set.Count < k ? 1 : 0;
        }

        return new KAnonymityCheck(k, rows.Count, classes.Count, smallest, under);
    }

    private static string Combination(string[] cells, List<int> columns)
    {
        var b = new StringBuilder();
        foreach (int c in columns)
        {
            b.Append(cells[c]).Append(Separator);
        }

        return b.ToString();
    }

    private static int Column(string[] header, string name, string path)
    {
        int at = Array.IndexOf(header, name);
        return at >= 0 ? at : throw new ArgumentException($"{path} has no column '{name}'.");
    }

    private static (string[] Header, List<string[]> Rows) Read(string path)
    {
        using SepReader reader = Sep.New(',').Reader(o => o with { Unescape = true, HasHeader = true }).FromFile(path);
        string[] header = [.. reader.Header.ColNames];
        var rows = new List<string[]>();
        foreach (SepReader.Row row in reader)
        {
            if (row.ColCount != header.Length)
            {
                throw new FormatException($"{path}, line {row.LineNumberFrom}: {row.ColCount} fields, the header has {header.Length}.");
            }

            var cells = new string[row.ColCount];
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = row[i].ToString();
            }

            rows.Add(cells);
        }

        return (header, rows);
    }

    private static string Report(
        string input, ReleaseOptions options, List<string> quasi, bool regions, int rowsIn, int released, int smallCombinations,
        SortedDictionary<string, int> suppressed, KAnonymityCheck check, List<string> notes)
    {
        var ci = CultureInfo.InvariantCulture;
        var r = new StringBuilder();
        r.Append(ci, $"# De-identified release of {Path.GetFileName(input)}\n\n");
        r.Append(ci, $"- k = {options.K}; quasi-identifiers: {string.Join(", ", quasi)} (course_id always).\n");
        r.Append("- learner: replaced by its keyed pseudonym (base32 of HMAC-SHA256 with the release key, as `desensitize` writes it); rows sorted by course and pseudonym.\n");
        r.Append(regions
            ? "- country -> region: the CIA World Factbook's `Map references` (cia-data-all.csv in public-data-dir); UNKNOWN stays UNKNOWN, a country without a region is OTHER.\n"
            : "- country -> `*`: no Factbook to map countries to regions.\n");
        r.Append("- first_event, last_event -> first_event_month, last_event_month (`yyyy-MM`, UTC).\n");
        r.Append("- Other columns are released as they are.\n\n");
        r.Append(ci, $"Rows in: {rowsIn:N0}; released: {released:N0}; suppressed: {rowsIn - released:N0} (the rows of {smallCombinations:N0} combinations holding fewer than {options.K} learners).\n\n");
        if (suppressed.Count > 0)
        {
            r.Append("| course_id | rows suppressed |\n|---|---|\n");
            foreach ((string course, int n) in suppressed)
            {
                r.Append(ci, $"| {course} | {n:N0} |\n");
            }

            r.Append('\n');
        }

        r.Append(ci, $"Check of {CsvFileName} as written: {check.Rows:N0} rows, {check.Classes:N0} combinations, the smallest holds {check.SmallestClass:N0} learners: ");
        r.Append(check.IsKAnonymous ? $"{options.K}-anonymous.\n" : $"NOT {options.K}-anonymous ({check.ClassesUnderK} combinations under k).\n");
        foreach (string note in notes)
        {
            r.Append("\nNote: ").Append(note).Append('\n');
        }

        return r.ToString();
    }
}
