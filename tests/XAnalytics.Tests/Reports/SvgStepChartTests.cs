using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

public sealed partial class SvgStepChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Draw_TwoLines_AStepPathPerLineScaledToTheAxes()
    {
        double[] xs = [0, 5, 10, 15, 20];
        string svg = SvgStepChart.Draw("t", "x", "y", [("first", xs, [9, 7, 4, 4, 1]), ("second", [0, 5, 10], [3, 2, 0])])!;

        XElement root = XDocument.Parse(svg).Root!;
        Assert.Equal("960", root.Attribute("width")!.Value);
        List<XElement> lines = [.. root.Descendants(s_svg + "path").Where(p => p.Parent!.Attribute("clip-path") is not null)];
        Assert.Equal(2, lines.Count);
        Assert.Equal("#1F77B4", lines[0].Attribute("stroke")!.Value);
        Assert.Equal("#FF7F0E", lines[1].Attribute("stroke")!.Value);

        // y from 0 (the plot's bottom, 388) to the top tick, 10 (its top, 36); x from 0 (64) to 20 (770).
        (double X, double Y)[] first = Points(lines[0].Attribute("d")!.Value);
        Assert.Equal(xs.Length, first.Length);
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(64 + (xs[i] / 20 * (770 - 64)), first[i].X, 0.06);
        }

        double[] ys = [9, 7, 4, 4, 1];
        for (int i = 0; i < ys.Length; i++)
        {
            Assert.Equal(388 - (ys[i] / 10 * (388 - 36)), first[i].Y, 0.06);
        }

        (double X, double Y)[] second = Points(lines[1].Attribute("d")!.Value);
        Assert.Equal(388, second[^1].Y, 0.06);
        Assert.Equal(64 + (10.0 / 20 * (770 - 64)), second[^1].X, 0.06);
    }

    [Fact]
    public void Draw_SmallCounts_IntegerTicksFromZero()
    {
        string svg = SvgStepChart.Draw("t", "x", "y", [("a", [0, 5, 10], [3, 1, 2])])!;

        List<string> ticks = [.. XDocument.Parse(svg).Root!.Descendants(s_svg + "g")
            .Single(g => g.Attribute("text-anchor")?.Value == "end").Elements(s_svg + "text").Select(t => t.Value)];
        Assert.Equal(["0", "1", "2", "3"], ticks);
    }

    [Fact]
    public void Draw_MarkersOnShortLinesOnly()
    {
        double[] longXs = [.. Enumerable.Range(0, 61).Select(i => i * 5.0)];
        string svg = SvgStepChart.Draw("t", "x", "y", [("short", [0, 5, 10], [1, 2, 3]), ("long", longXs, [.. longXs.Select(x => x % 7)])])!;

        Assert.Equal(3, XDocument.Parse(svg).Root!.Descendants(s_svg + "circle").Count());
    }

    [Fact]
    public void Draw_MarkupInLabels_Escaped()
    {
        string svg = SvgStepChart.Draw("a < b & c", "x", "y", [("<script>\"x\"</script>", [0, 1], [1, 1])])!;

        XElement root = XDocument.Parse(svg).Root!;
        Assert.Contains(root.Descendants(s_svg + "text"), t => t.Value == "a < b & c");
        Assert.Contains(root.Descendants(s_svg + "text"), t => t.Value == "<script>\"x\"</script>");
        Assert.Empty(root.Descendants(s_svg + "script"));
    }

    [Fact]
    public void Draw_NoPoints_Null()
    {
        Assert.Null(SvgStepChart.Draw("t", "x", "y", []));
        Assert.Null(SvgStepChart.Draw("t", "x", "y", [("empty", [], [])]));
        Assert.Throws<ArgumentException>(() => SvgStepChart.Draw("t", "x", "y", [("bad", [0, 1], [1])]));
    }

    [Theory]
    [InlineData(1725, false, 200)]
    [InlineData(190, true, 50)]
    [InlineData(3, true, 1)]
    [InlineData(0, true, 1)]
    [InlineData(0.6, false, 0.1)]
    public void NiceStep_RoundStepsOfAboutASixth(double span, bool integers, double expected)
        => Assert.Equal(expected, SvgStepChart.NiceStep(span, integers), 1e-9);

    /// <summary>The points of a step path <c>M x y (H x V y)*</c>: each point is where a V lands.</summary>
    private static (double X, double Y)[] Points(string d)
    {
        Match m = StepPath().Match(d);
        Assert.True(m.Success, d);
        var points = new List<(double, double)> { (Number(m.Groups["x"].Value), Number(m.Groups["y"].Value)) };
        for (int i = 0; i < m.Groups["hx"].Captures.Count; i++)
        {
            points.Add((Number(m.Groups["hx"].Captures[i].Value), Number(m.Groups["vy"].Captures[i].Value)));
        }

        return [.. points];
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^M(?<x>[-0-9.]+) (?<y>[-0-9.]+)(?:H(?<hx>[-0-9.]+)V(?<vy>[-0-9.]+))*$")]
    private static partial Regex StepPath();
}
