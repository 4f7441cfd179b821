using System.CommandLine;
using XAnalytics.Cli;

namespace XAnalytics.Tests.Cli;

/// <summary>
/// The CLI builds only the command it is asked for (start-up): the table it picks from must name each command as
/// its factory does, and a tree of one command must read and help exactly as the whole tree.
/// </summary>
public sealed class ProgramTests
{
    [Fact]
    public void Commands_EachNameIsTheNameItsFactoryGives()
    {
        Assert.Equal(19, Program.Commands.Length);
        foreach ((string name, Func<Command> create) in Program.Commands)
        {
            Assert.Equal(name, create().Name);
        }
    }

    public static TheoryData<string[]> CommandLines => new()
    {
        new[] { "count", "logs", "--by", "event_type", "--format", "csv" },
        new[] { "count", "--help" },
        new[] { "count", "logs", "--no-such-option" },
        new[] { "report", "--help" },
        new[] { "learners", "--help" },
        new[] { "release", "--help" },
        new[] { "desensitize", "--help" },
        new[] { "cia", "--help" },
        new[] { "merge", "--help" },
        new[] { "plan", "logs", "--shards", "3" },
        new[] { "export-events", "--help" },
        new[] { "export-events", "logs", "out", "--by", "org", "--bye" },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public async Task BuildRoot_OfOneCommand_ReadsAndHelpsAsTheWholeTree(string[] args)
    {
        (string whole, IReadOnlyList<string> wholeErrors) = await ParseAndHelpAsync(Program.BuildRoot(), args);
        (string one, IReadOnlyList<string> oneErrors) = await ParseAndHelpAsync(Program.BuildRoot(args[0]), args);

        Assert.Equal(wholeErrors, oneErrors);
        Assert.Equal(whole, one);
    }

    [Fact]
    public async Task RunAsync_Help_ListsTheEnvironmentSwitches()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await Program.RunAsync(["--help"], new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Contains("XANALYTICS_BSON_TRUST=0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("XANALYTICS_INFLATER=zlib", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count")] // no input
    [InlineData("no-such-command")]
    [InlineData("select", "logs", "--field", "username")] // an option select does not have, which used to become a field
    [InlineData("count", "logs", "--by")] // an option without its value
    public async Task RunAsync_CommandLineThatDoesNotParse_UsageExitCodeAndTheErrorOnStderr(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await Program.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.NotEqual(string.Empty, error.ToString().Trim());
    }

    [Fact]
    public async Task RunAsync_SelectWithAnUnknownOption_NamesIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        await Program.RunAsync(["select", "logs", "--field", "username"], new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("unknown option '--field'", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown option '--bye'; did you mean '--by'?", "count", "logs", "--bye")] // was "Input not found: --bye"
    [InlineData("unknown option '--bye'; did you mean '--by'?", "count", "--bye", "logs")]
    [InlineData("unknown option '--profle'; did you mean '--profile'?", "desensitize", "in", "out", "--profle", "strict")]
    [InlineData("unknown option '--confg'; did you mean '--config'?", "count", "logs", "--confg", "x.yaml")]
    [InlineData("unknown option '--fromm'; did you mean '--from'?", "report", "in", "out", "--fromm", "2015-03-01")]
    [InlineData("unknown option '--colour' (see 'schema --help')", "schema", "logs", "--colour")]
    public async Task RunAsync_UnknownOption_UsageErrorNamingItAndTheNearestKnownName(string message, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await Program.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not found", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_ExitZero()
    {
        using var output = new StringWriter();
        int exit = await Program.RunAsync(["count", "--help"], new InvocationConfiguration { Output = output, Error = TextWriter.Null }, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Contains("--by", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The parse errors, and the output when the line asks for help (nothing is run otherwise).</summary>
    private static async Task<(string Output, IReadOnlyList<string> Errors)> ParseAndHelpAsync(RootCommand root, string[] args)
    {
        ParseResult result = root.Parse(args);
        var errors = new List<string>();
        foreach (System.CommandLine.Parsing.ParseError parseError in result.Errors)
        {
            errors.Add(parseError.Message);
        }

        if (!args.Contains("--help"))
        {
            return (result.CommandResult.Command.Name, errors);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).WaitAsync(TimeSpan.FromSeconds(30));
        return (output.ToString(), errors);
    }
}
