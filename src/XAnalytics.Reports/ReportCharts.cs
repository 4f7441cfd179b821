using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScottPlot;

namespace XAnalytics.Reports;

/// <summary>The report's charts, drawn with ScottPlot (SkiaSharp underneath, headless) as PNG and SVG.</summary>
internal static partial class ReportCharts
{
    public const int Width = 960;
    public const int Height = 440;
    private const int MaxSeries = 8;

    /// <summary>One line per course (the busiest <see cref="MaxSeries"/>), days on the x axis.</summary>
    public static Plot? Lines(string title, string yLabel, IReadOnlyList<(string Series, DateOnly Day, double Value)> points, bool steps)
    {
        if (points.Count == 0)
        {
            return null;
        }

        var bySeries = new Dictionary<string, List<(DateOnly Day, double Value)>>(StringComparer.Ordinal);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach ((string series, DateOnly day, double value) in points)
        {
            if (!bySeries.TryGetValue(series, out List<(DateOnly, double)>? list))
            {
                bySeries[series] = list = [];
            }

            list.Add((day, value));
            totals[series] = totals.GetValueOrDefault(series) + Math.Abs(value);
        }

        var names = new List<string>(bySeries.Keys);
        names.Sort((a, b) =>
        {
            int c = totals[b].CompareTo(totals[a]);
            return c != 0 ? c : string.CompareOrdinal(a, b);
        });
        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        for (int s = 0; s < Math.Min(MaxSeries, names.Count); s++)
        {
            List<(DateOnly Day, double Value)> list = bySeries[names[s]];
            list.Sort(static (a, b) => a.Day.CompareTo(b.Day));
            var xs = new double[list.Count];
            var ys = new double[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                xs[i] = list[i].Day.ToDateTime(TimeOnly.MinValue).ToOADate();
                ys[i] = list[i].Value;
            }

            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = names[s];
            scatter.MarkerSize = list.Count > 60 ? 0 : 5;
            if (steps)
            {
                scatter.ConnectStyle = ConnectStyle.StepHorizontal;
            }
        }

        // ISO dates on the axis, and the legend beside the plot so it never hides a line.
        plot.Axes.DateTimeTicksBottom();
        if (plot.Axes.Bottom.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
        {
            ticks.LabelFormatter = static d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Vertical bars with a label under each.</summary>
    public static Plot? Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars)
    {
        if (bars.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        var values = new double[bars.Count];
        var positions = new double[bars.Count];
        var labels = new string[bars.Count];
        for (int i = 0; i < bars.Count; i++)
        {
            values[i] = bars[i].Value;
            positions[i] = i;
            labels[i] = bars[i].Label;
        }

        plot.Add.Bars(values);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>Bars side by side per category, one colour per series, with a legend.</summary>
    public static Plot? GroupedBars(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Series, double[] Values)> series)
    {
        if (categories.Count == 0 || series.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var positions = new double[categories.Count];
            for (int i = 0; i < categories.Count; i++)
            {
                positions[i] = i - 0.4 + (width * (s + 0.5));
            }

            var bars = plot.Add.Bars(positions, series[s].Values);
            bars.LegendText = series[s].Series;
            foreach (ScottPlot.Bar bar in bars.Bars)
            {
                bar.Size = width;
            }
        }

        var ticks = new double[categories.Count];
        var labels = new string[categories.Count];
        for (int i = 0; i < categories.Count; i++)
        {
            ticks[i] = i;
            labels[i] = categories[i];
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, labels);

        // Course ids are long: slanted labels, with room under the axis for them.
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 150;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>
    /// Draws a small chart with a title, labels and a line, to memory: the first chart of a process loads SkiaSharp,
    /// HarfBuzz and the system's fonts (fontconfig scans the font folders), about 0.1 s that a report otherwise spends
    /// after its run, on one core.
    /// </summary>
    public static void WarmUp()
    {
        using var plot = new Plot();
        plot.Title("warm-up");
        plot.YLabel("y");
        plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 }).LegendText = "x";
        plot.ShowLegend();
        _ = plot.GetImageBytes(64, 64, ImageFormat.Png);
    }

    public static void Save(Plot plot, string pngPath, string svgPath)
    {
        plot.SavePng(pngPath, Width, Height);
        SaveSvg(plot, svgPath);
    }

    /// <summary>
    /// Saves the plot as SVG with its clip paths numbered from 0 by first use. Skia numbers them with a counter per
    /// process, so a chart drawn after others, or beside them on another thread (course pages draw theirs in
    /// parallel), got other ids from run to run; renumbered, a chart's bytes depend on the chart alone, so one process
    /// and a merge of shards write the same files.
    /// </summary>
    public static void SaveSvg(Plot plot, string svgPath)
        => File.WriteAllText(svgPath, Svg(plot), new UTF8Encoding(false));

    /// <summary>
    /// The plot's SVG, rendered to memory and renumbered (see <see cref="SaveSvg"/>): the text ScottPlot's own
    /// <c>SaveSvg</c> writes, without writing it and reading it back.
    /// </summary>
    public static string Svg(Plot plot)
    {
        string svg = plot.GetSvgXml(Width, Height);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return ClipPathId().Replace(svg, m =>
        {
            if (!ids.TryGetValue(m.Value, out int n))
            {
                ids[m.Value] = n = ids.Count;
            }

            return "cl_" + n.ToString("x", CultureInfo.InvariantCulture);
        });
    }

    // Only ids and references to them: a label's text that happens to read "cl_1" is left as it is.
    [GeneratedRegex("""(?<=id="|url\(#)cl_[0-9a-f]+(?=[")])""", RegexOptions.CultureInvariant)]
    private static partial Regex ClipPathId();
}
