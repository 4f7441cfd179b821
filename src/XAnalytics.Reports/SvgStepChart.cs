using System.Globalization;
using System.Text;

namespace XAnalytics.Reports;

/// <summary>
/// A step chart written straight as SVG text: lines of counts over a numeric x axis (the course pages' video drop-off,
/// one line per video), with integer y ticks, a grid and a legend on the right.
/// </summary>
/// <remarks>
/// The course pages drew it with ScottPlot over Skia's SVG canvas, 25-30 ms a chart in steady state (text measured by
/// HarfBuzz, every coordinate printed by the C library's <c>printf</c>): over 1M events in 60 courses, of which 40 are
/// charted, 1.2 s of the report's 5.8 s CPU and the peak of its memory. Written here it is a string of a few kilobytes
/// per line. It keeps ScottPlot's look where a reader would notice (the category-10 palette, the size, the steps);
/// the index's charts, which are PNG too, are still drawn by ScottPlot.
/// </remarks>
internal static class SvgStepChart
{
    private const int Left = 64;
    private const int Top = 36;
    private const int LegendWidth = 190;
    private const int BottomMargin = 52;

    /// <summary>The first lines' colors: the category-10 palette ScottPlot and matplotlib draw with.</summary>
    private static readonly string[] s_palette =
    [
        "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
    ];

    /// <summary>
    /// The chart of <paramref name="lines"/> (each x ascending, as many ys as xs; each y held until the next x), or null
    /// when no line has a point.
    /// </summary>
    /// <param name="title">The title, above the plot.</param>
    /// <param name="xLabel">The x axis's label.</param>
    /// <param name="yLabel">The y axis's label.</param>
    /// <param name="lines">The lines, in the legend's order; the first ten take the palette's colors, the rest again.</param>
    /// <param name="markersUpTo">Points are marked on lines of at most this many points.</param>
    public static string? Draw(string title, string xLabel, string yLabel, IReadOnlyList<(string Label, double[] Xs, double[] Ys)> lines, int markersUpTo = 60)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMax = 0;
        foreach ((_, double[] xs, double[] ys) in lines)
        {
            if (xs.Length != ys.Length)
            {
                throw new ArgumentException("A line has as many ys as xs.", nameof(lines));
            }

            for (int i = 0; i < xs.Length; i++)
            {
                xMin = Math.Min(xMin, xs[i]);
                xMax = Math.Max(xMax, xs[i]);
                yMax = Math.Max(yMax, ys[i]);
            }
        }

        if (double.IsInfinity(xMin))
        {
            return null;
        }

        int width = ReportCharts.Width, height = ReportCharts.Height;
        int right = width - LegendWidth, bottom = height - BottomMargin;
        double xStep = NiceStep(xMax - xMin, integers: false);
        double yStep = NiceStep(yMax, integers: true);
        double yTop = Math.Max(yStep, Math.Ceiling(yMax / yStep) * yStep);
        double xSpan = xMax > xMin ? xMax - xMin : 1;
        double X(double x) => Left + ((x - xMin) / xSpan * (right - Left));
        double Y(double y) => bottom - (y / yTop * (bottom - Top));

        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" ")
            .Append("font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"12\">\n")
            .Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + right) / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{ReportWriter.Encode(title)}</text>\n");

        // The grid, ticks and their labels: y ticks integers from 0, x ticks at round values from the first multiple.
        List<double> yTicks = Ticks(0, yTop + (yStep / 2), yStep);
        List<double> xTicks = Ticks(Math.Ceiling(xMin / xStep) * xStep, xMax + (xStep / 1e6), xStep);
        svg.Append("<g stroke=\"#000000\" stroke-opacity=\"0.1\">");
        foreach (double y in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{Left} {Y(y):0.#}H{right}\"/>");
        }

        foreach (double x in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{X(x):0.#} {Top}V{bottom}\"/>");
        }

        svg.Append("</g>\n<g text-anchor=\"end\">");
        foreach (double y in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(y) + 4:0.#}\">{y:0}</text>");
        }

        svg.Append("</g>\n<g text-anchor=\"middle\">");
        foreach (double x in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x):0.#}\" y=\"{bottom + 16}\">{x:0.##}</text>");
        }

        svg.Append("</g>\n")
            .Append(CultureInfo.InvariantCulture, $"<path d=\"M{Left} {Top}V{bottom}H{right}\" fill=\"none\" stroke=\"#000000\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\" font-size=\"14\">{ReportWriter.Encode(xLabel)}</text>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"18\" y=\"{(Top + bottom) / 2}\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 18 {(Top + bottom) / 2})\">{ReportWriter.Encode(yLabel)}</text>\n");

        // The lines: from each point across to the next x, then up or down to its y (ScottPlot's StepHorizontal).
        svg.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"plot\"><rect x=\"{Left}\" y=\"{Top - 2}\" width=\"{right - Left}\" height=\"{bottom - Top + 4}\"/></clipPath>\n<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"1.5\">\n");
        for (int l = 0; l < lines.Count; l++)
        {
            (_, double[] xs, double[] ys) = lines[l];
            if (xs.Length == 0)
            {
                continue;
            }

            string color = s_palette[l % s_palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<path stroke=\"{color}\" d=\"M{X(xs[0]):0.#} {Y(ys[0]):0.#}");
            for (int i = 1; i < xs.Length; i++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"H{X(xs[i]):0.#}V{Y(ys[i]):0.#}");
            }

            svg.Append("\"/>\n");
            if (xs.Length <= markersUpTo)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<g fill=\"{color}\" stroke=\"none\">");
                for (int i = 0; i < xs.Length; i++)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(xs[i]):0.#}\" cy=\"{Y(ys[i]):0.#}\" r=\"2.5\"/>");
                }

                svg.Append("</g>\n");
            }
        }

        svg.Append("</g>\n");

        // The legend, right of the plot: a stroke of each line's color and its label.
        int legendX = right + 16;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX - 6}\" y=\"{Top}\" width=\"{LegendWidth - 22}\" height=\"{(lines.Count * 20) + 10}\" fill=\"white\" stroke=\"#000000\" stroke-opacity=\"0.3\"/>\n");
        for (int l = 0; l < lines.Count; l++)
        {
            int y = Top + 18 + (l * 20);
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{legendX} {y - 4}h22\" stroke=\"{s_palette[l % s_palette.Length]}\" stroke-width=\"2\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 28}\" y=\"{y}\">{ReportWriter.Encode(lines[l].Label)}</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>A round step (1, 2 or 5 times a power of ten) that cuts <paramref name="span"/> into about six; at least 1 for integers.</summary>
    internal static double NiceStep(double span, bool integers)
    {
        if (!(span > 0))
        {
            return 1;
        }

        double raw = span / 6;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
        return integers ? Math.Max(1, Math.Round(step)) : step;
    }

    /// <summary>The ticks from <paramref name="first"/>, <paramref name="step"/> apart, up to <paramref name="last"/> (the grid and the labels draw the same ones).</summary>
    private static List<double> Ticks(double first, double last, double step)
    {
        var ticks = new List<double>();
        for (double t = first; t <= last; t += step)
        {
            ticks.Add(t);
        }

        return ticks;
    }
}
