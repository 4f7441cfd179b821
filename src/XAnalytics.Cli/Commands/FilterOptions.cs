using System.CommandLine;
using XAnalytics.Pipeline;
using XAnalytics.Stages;
using EventFilter = XAnalytics.Stages.FilterOptions;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// The event filters every command that reads events takes (count, select, schema, and later filter and
/// desensitize), and how they become library options: a grep prefilter and truncated-line repair in the parse
/// stage, and a <see cref="FilterStage"/>.
/// </summary>
internal sealed class FilterOptions
{
    // --from/--to as report has them; the older --min-date/--max-date stay as aliases.
    public Option<string?> MinDate { get; } = new("--from", "--min-date", "--mindate")
    {
        Description = "Keep events at or after this date or time, year first (2015-03-01, 2015-03-01T10:00Z; UTC unless an offset is given). Alias --min-date.",
    };

    public Option<string?> MaxDate { get; } = new("--to", "--max-date", "--maxdate")
    {
        Description = "Keep events at or before this date or time, year first; a date alone includes that whole day (UTC). Alias --max-date.",
    };

    public Option<string[]> EventTypes { get; } = new("--event-type")
    {
        Description = "Keep events of this event_type (exact). Repeatable.",
    };

    public Option<FileInfo?> EventTypesFile { get; } = new("--event-types-file")
    {
        Description = "Keep events whose event_type is listed in this file (one per line; blank lines and # comments ignored).",
    };

    public Option<string[]> Courses { get; } = new("--course")
    {
        Description = "Keep events of this course, in any id shape (course-v1:Org+Num+Run matches Org/Num/Run; courses are also found in URLs). Repeatable.",
    };

    public Option<string[]> Users { get; } = new("--user")
    {
        Description = "Keep events of this username. Repeatable.",
    };

    public Option<FileInfo?> UsersFile { get; } = new("--users-file")
    {
        Description = "Keep events of the usernames listed in this file (one per line).",
    };

    public Option<string[]> Where { get; } = new("--where")
    {
        Description = "Keep events whose field has one of the values: FIELD=V1,V2 (strings compared unescaped, numbers and booleans by their JSON text). Repeatable; all must hold.",
    };

    public Option<string?> Grep { get; } = new("--grep")
    {
        Description = "Fast prefilter: keep only lines containing this text (raw bytes of the JSON line, case-sensitive), before parsing.",
    };

    public Option<bool> Repair { get; } = new("--repair")
    {
        Description = "Repair truncated lines by closing their JSON; those that then parse are used (counted as repaired) instead of rejected.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(MinDate);
        command.Options.Add(MaxDate);
        command.Options.Add(EventTypes);
        command.Options.Add(EventTypesFile);
        command.Options.Add(Courses);
        command.Options.Add(Users);
        command.Options.Add(UsersFile);
        command.Options.Add(Where);
        command.Options.Add(Grep);
        command.Options.Add(Repair);
    }

    /// <summary>
    /// The run's options with the parse-stage parts (grep, repair) set, and the context objects indexed when a course
    /// filter reads <c>context.course_id</c> of every event.
    /// </summary>
    public PipelineOptions Apply(ParseResult result, PipelineOptions options)
    {
        string? grep = result.GetValue(Grep);
        return options with
        {
            Parse = options.Parse with
            {
                RepairTruncated = result.GetValue(Repair),
                LineFilter = string.IsNullOrEmpty(grep) ? options.Parse.LineFilter : ParseOptions.ContainsText(grep),
                IndexContext = options.Parse.IndexContext || (result.GetValue(Courses) ?? []).Length > 0,
            },
        };
    }

    /// <summary>The library filter, or null when no filter option was given.</summary>
    public EventFilter? ToFilter(ParseResult result)
    {
        var filter = new EventFilter
        {
            MinTime = result.GetValue(MinDate) is { } min ? FilterDates.ParseMin(min) : null,
            MaxTime = result.GetValue(MaxDate) is { } max ? FilterDates.ParseMax(max) : null,
            EventTypes = [.. result.GetValue(EventTypes) ?? [], .. ReadList(result.GetValue(EventTypesFile), EventTypesFile.Name)],
            Courses = result.GetValue(Courses) ?? [],
            Users = [.. result.GetValue(Users) ?? [], .. ReadList(result.GetValue(UsersFile), UsersFile.Name)],
            Where = [.. (result.GetValue(Where) ?? []).Select(FieldCondition.Parse)],
        };
        return filter.IsEmpty ? null : filter;
    }

    /// <summary>The filter options given, as typed (<c>--course X, --from 2015-03-01</c>), for a warning that names them; null when none.</summary>
    public string? Describe(ParseResult result)
    {
        var given = new List<string>();
        foreach (Option option in (Option[])[MinDate, MaxDate, EventTypes, EventTypesFile, Courses, Users, UsersFile, Where, Grep])
        {
            if (result.GetResult(option) is { Implicit: false } found)
            {
                string values = string.Join(" ", found.Tokens.Select(static t => t.Value));
                given.Add($"{option.Name} {values}".TrimEnd());
            }
        }

        return given.Count == 0 ? null : string.Join(", ", given);
    }

    /// <summary>The filter stage (first in a command's stages), or none.</summary>
    public IReadOnlyList<IEventStage> Stages(ParseResult result)
        => ToFilter(result) is { } filter ? [FilterStage.Create(filter)] : [];

    private static List<string> ReadList(FileInfo? file, string option)
    {
        if (file is null)
        {
            return [];
        }

        var values = new List<string>();
        foreach (string line in File.ReadLines(PathChecks.ReadableFile(file, option)))
        {
            string value = line.Trim();
            if (value.Length > 0 && value[0] != '#')
            {
                values.Add(value);
            }
        }

        return values;
    }
}
