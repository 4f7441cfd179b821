using System.CommandLine;
using XAnalytics.Cli.Commands;
using XAnalytics.Tests.Reports.Reference;







namespace XAnalytics.Tests.Cli;

public sealed class CiaCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { CiaCommand.Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [PublicDataFact]
    public void Fields_PublicData_ListsNameAndType()
    {
        var (exitCode, output, _) = Run("cia", "fields", "--public-data-dir", PublicData.Directory!);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name\ttype\tsource", lines[0]);
        Assert.Equal(232, lines.Length);
        Assert.Contains("GDP_per_capita_PPP\tINTEGER\tGDP - per capita (PPP)", lines);
        Assert.Contains("Infant_mortality_rate\tREAL\tInfant mortality rate", lines);
    }

    [PublicDataFact]
    public void Query_PublicData_TsvWithHeader()
    {
        var (exitCode, output, _) = Run(
            "cia", "--public-data-dir", PublicData.Directory!, "query",
            "SELECT id, GDP_per_capita_PPP, Infant_mortality_rate, Public_debt FROM cia WHERE id IN ('Canada', 'Qatar') ORDER BY id");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            "id\tGDP_per_capita_PPP\tInfant_mortality_rate\tPublic_debt\nCanada\t39300\t5.04\t\nQatar\t103500\t12.66\t\n",
            output);
    }

    [PublicDataFact]
    public void Query_BadSql_ExitCodeOneAndMessage()
    {
        var (exitCode, _, error) = Run("cia", "query", "SELEKT 1", "--public-data-dir", PublicData.Directory!);

        Assert.Equal(1, exitCode);
        Assert.Contains("syntax error", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_MissingFiles_ExitCodeOneNamesFile()
    {
        var dir = Directory.CreateTempSubdirectory("xanalytics-cli-");
        try
        {
            var (exitCode, _, error) = Run("cia", "fields", "--public-data-dir", dir.FullName);

            Assert.Equal(1, exitCode);
            Assert.Contains("cia-data-all.csv", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
