using System.Globalization;
using System.Text;
using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// The answer tables' forward reading of a submission's bytes against the document path they replace (kept as the
/// fallback and the reference): <see cref="ProblemResponseSection.Answers(JsonElement)"/> for problem responses,
/// <c>AddDocumentAnswers</c> for the answer distribution (texts interned in the same order).
/// </summary>
public sealed class SubmissionParsingTests
{
    private static readonly string[] s_ids = ["i4x-MITx-1_2_1", "p_3_1", "b_2_1_dynamath", "b_2_1_comment", "x", "q_4_1", "q_4_1_dynamath"];

    private static readonly string[] s_texts =
    [
        "", "a", " a ", "choice_1", "choice_2", "a  b", "a\tb", "line\nbreak", "x\r\n y", "\fform\v", "apple ", " ", "  ",
        "<choicehint selected=\"true\">Good\n pick</choicehint> tail", "x <choicehint label=\"a\">", "<choicehint>", "no<choicehin",
        "<p>Hello &amp; <b>world</b></p>", "<!-- c -->text", "<text>Option   A</text>", "a &lt; b", "&", "<", "1 < 2",
        "\u00e9t\u00e9", "\u00a0pad\u00a0", "\u2003em\u2003", "\u65e5\u672c", "\U0001F600 smile", "quote \" and \\ slash", "\u2028sep", "\u0085next",
        "correct", "incorrect", "partially-correct", "None", "True", "0", "1", "[a|b]",
    ];

    private static readonly string[] s_numbers = ["0", "1", "-0", "1.5", "1e3", "0.0", "2", "-7", "1E-400", "123456789012345678901234567890"];

    /// <summary>Every <c>problem_check</c> of edX's acceptance logs (its event data whole and as the tables keep it): the same answers both ways.</summary>
    [EdxCorpusFact]
    public void EdxCorpusSubmissions_ForwardReadingAsDocument()
    {
        int events = 0, forwardResponses = 0, forwardDistribution = 0;
        TopField[] index = new TopField[64];
        byte[] compact = new byte[256];
        foreach (string file in Directory.EnumerateFiles(EdxCorpus.Directory!, "*.log"))
        {
            foreach (string line in File.ReadLines(file))
            {
                if (!line.Contains("problem_check", StringComparison.Ordinal) || !TryEventData(line, out byte[] data))
                {
                    continue;
                }

                events++;
                byte[] kept = ProblemResponseSection.Compact(new ObjectMembers(data, ref index), ref compact).ToArray();
                foreach (byte[] submission in (byte[][])[data, kept])
                {
                    (bool pr, bool ad) = AssertSame(submission);
                    forwardResponses += pr ? 1 : 0;
                    forwardDistribution += ad ? 1 : 0;
                }
            }
        }

        Assert.True(events >= 200, $"{events} problem_check events");
        // Nearly all are read forward (else the test would compare the document with itself).
        Assert.True(forwardResponses >= events * 2 * 9 / 10, $"{forwardResponses} of {events * 2} read forward (problem responses)");
        Assert.True(forwardDistribution >= events * 2 * 9 / 10, $"{forwardDistribution} of {events * 2} read forward (answer distribution)");
    }

    /// <summary>Made-up submissions of every shape both tables meet (and some they should not): the same answers both ways.</summary>
    [Fact]
    public void MadeUpSubmissions_ForwardReadingAsDocument()
    {
        var random = new Random(20261205);
        int forward = 0, count = 20_000;
        for (int i = 0; i < count; i++)
        {
            byte[] submission = Encoding.UTF8.GetBytes(Submission(random));
            (bool pr, bool ad) = AssertSame(submission);
            forward += pr && ad ? 1 : 0;
        }

        Assert.True(forward >= count / 2, $"{forward} of {count} read forward");
    }

    [Theory]
    [InlineData("""{"answers":{"p":"a"},"answers":{"p":"b"},"correct_map":{"p":{"correctness":"correct"},"p":{"correctness":"incorrect"}}}""")]
    [InlineData("""{"answers":{"p":"a","p":"z"},"submission":{"p":{"answer":"a","question":"Q1","response_type":"stringresponse","variant":""},"p":{"answer":"b","answer":"c","variant":"v","variant":7}},"correct_map":{"p":{"correctness":"correct","correctness":"incorrect"}}}""")]
    [InlineData("""{"answers":{"p":["a","b"]},"submission":{"p":{"answer":["a","b"],"question":"  Q\t\tx  ","correct":true,"response_type":"choiceresponse"}}}""")]
    [InlineData("""{"answers":{"p":["choice_1","choice_2"]},"submission":{"p":{"answer":["<text>A</text>","<b>B  </b>"],"correct":1,"response_type":"choiceresponse","variant":0}}}""")]
    [InlineData("""{"answers":{"p":"\u00e9"},"submission":{"p":{"answer":"\u00e9","question":"caf\u00e9 \ud83d\ude00"}}}""")]
    [InlineData("""{"answers":{"p":"\u0063hoice_1"},"submission":{"p":{"answer":"c\u0068oice_1"}}}""")]
    [InlineData("""{"answers":{"p":{"x":1}},"submission":{"p":{"answer":{"x":1.0},"question":null}}}""")]
    [InlineData("""{"answers":{"p":2},"submission":{"p":{"answer":2.0,"variant":{"a":[]},"correct":"yes"}}}""")]
    [InlineData("""{"answers":{"p_dynamath":"a","q_comment":"b","r":"c"},"submission":{"p_dynamath":{"answer":"a"},"q_comment":{},"r":{}}}""")]
    [InlineData("""{"answers":{"\u0070":"a"},"submission":{"p":{"answer":"a"}},"correct_map":{"\u0070":{"correctness":"correct"}}}""")]
    [InlineData("""{"answers":{"p":"a"},"correct_map":{"p":{"\u0063orrectness":"correct"}},"state":{"seed":1}}""")]
    [InlineData("""{"answers":{"p":"a","q":["x",1,null,true]},"correct_map":{"p":{"correctness":"c\u006frrect"},"q":"x"},"state":{"seed":0,"seed":3.5}}""")]
    [InlineData("""{"answers":{"p":"a"},"correct_map":{"p":{}},"state":{"input_state":{}}}""")]
    [InlineData("""{"answers":[],"submission":{}}""")]
    [InlineData("""{"answers":{"p":"a"},"submission":[],"correct_map":{"p":{"correctness":"correct"}}}""")]
    [InlineData("""{"answers":{"p":"a"},"submission":{"p":"a","q":{"answer":"b"}},"correct_map":[]}""")]
    [InlineData("""{ "answers" : { "p" : [ "a" , "b" ] } , "submission" : { "p" : { "answer" : [ "a" , "b" ] , "variant" : "" } } }""")]
    [InlineData("""{"answers":{"p":"\ud800"},"submission":{"p":{"answer":"\ud800"}}}""")]
    public void TrickyShapes_ForwardReadingAsDocument(string json) => AssertSame(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void InvalidUtf8_AsDocument()
    {
        byte[] json = Encoding.UTF8.GetBytes("""{"answers":{"p":"aXb"},"submission":{"p":{"answer":"aXb","question":"q"}},"correct_map":{"p":{"correctness":"correct"}}}""");
        json[json.AsSpan().IndexOf((byte)'X')] = 0xFF;
        AssertSame(json);
        json[json.AsSpan().LastIndexOf((byte)'X')] = 0xC3;
        AssertSame(json);
    }

    /// <summary>Asserts both tables read the same answers forward as from the document (or both fail); returns which read forward.</summary>
    private static (bool Responses, bool Distribution) AssertSame(byte[] submission)
    {
        string json = Encoding.UTF8.GetString(submission);
        (string? expected, Exception? failure) = Try(() => ReferenceResponses(submission));
        bool forwardResponses = false;
        (string? actual, Exception? actualFailure) = Try(() =>
        {
            var parsed = new ParsedAnswers();
            parsed.AddText("before");
            parsed.Add(0, 0, null);
            byte[] scratch = new byte[4];
            forwardResponses = ProblemResponseSection.AddAnswers(submission, new RecordBuffer<SubmissionJson.Node>(), new RecordBuffer<SubmissionJson.Member>(), ref scratch, parsed);
            return Render(parsed, from: 1);
        });
        Assert.True((failure is null) == (actualFailure is null), $"problem responses of {json}: {failure?.Message ?? actualFailure?.Message}");
        Assert.True(expected == actual, $"problem responses of {json}:\nexpected {expected}\nactual   {actual}");

        (string? expectedAd, Exception? failureAd) = Try(() => AnswerDistributionSection.DescribeAnswers(submission, reference: true).Text);
        bool forwardDistribution = false;
        (string? actualAd, Exception? actualFailureAd) = Try(() =>
        {
            (bool forward, string text) = AnswerDistributionSection.DescribeAnswers(submission, reference: false);
            forwardDistribution = forward;
            return text;
        });
        Assert.True((failureAd is null) == (actualFailureAd is null), $"answer distribution of {json}: {failureAd?.Message ?? actualFailureAd?.Message}");
        Assert.True(expectedAd == actualAd, $"answer distribution of {json}:\nexpected {expectedAd}\nactual   {actualAd}");
        return (forwardResponses && failure is null, forwardDistribution && failureAd is null);
    }

    private static (string? Value, Exception? Failure) Try(Func<string> f)
    {
        try
        {
            return (f(), null);
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException)
        {
            return (null, e);
        }
    }

    /// <summary>The document path's answers as the row records get them: UTF-8 of each text.</summary>
    private static string ReferenceResponses(byte[] submission)
    {
        using JsonDocument doc = JsonDocument.Parse(submission);
        var text = new StringBuilder();
        foreach ((string answerId, string question, IReadOnlyList<string> answer, bool? correct) in ProblemResponseSection.Answers(doc.RootElement))
        {
            text.Append(Hex(answerId)).Append(' ').Append(Hex(question)).Append(' ').Append(answer.Count.ToString(CultureInfo.InvariantCulture));
            foreach (string a in answer)
            {
                text.Append(' ').Append(Hex(a));
            }

            text.Append(' ').Append(correct?.ToString() ?? "null").Append('\n');
        }

        return text.ToString();

        static string Hex(string s) => Convert.ToHexString(Encoding.UTF8.GetBytes(s));
    }

    private static string Render(ParsedAnswers parsed, int from)
    {
        var text = new StringBuilder();
        for (int i = from; i < parsed.Count; i++)
        {
            (int first, int values, bool? correct) = parsed[i];
            text.Append(Convert.ToHexString(parsed.Text(first))).Append(' ').Append(Convert.ToHexString(parsed.Text(first + 1)))
                .Append(' ').Append(values.ToString(CultureInfo.InvariantCulture));
            for (int v = 0; v < values; v++)
            {
                text.Append(' ').Append(Convert.ToHexString(parsed.Text(first + 2 + v)));
            }

            text.Append(' ').Append(correct?.ToString() ?? "null").Append('\n');
        }

        return text.ToString();
    }

    private static bool TryEventData(string line, out byte[] data)
    {
        data = [];
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("event", out JsonElement e) || e.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            data = Encoding.UTF8.GetBytes(e.GetRawText());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A made-up submission: edX's members in any order, some repeated or missing, values of every kind, strings escaped or not, spaces anywhere.</summary>
    private static string Submission(Random random)
    {
        var json = new StringBuilder();
        var ids = new List<string>();
        int parts = random.Next(0, 4);
        for (int i = 0; i < parts; i++)
        {
            ids.Add(Pick(random, s_ids));
        }

        var members = new List<Action>
        {
            () => Member(json, random, "answers", () => Object(json, random, ids, () => AnswerValue(json, random))),
            () => Member(json, random, "correct_map", () => Object(json, random, ids, () => CorrectEntry(json, random))),
        };
        if (random.Next(3) > 0)
        {
            members.Add(() => Member(json, random, "submission", () => Object(json, random, ids, () => SubmissionEntry(json, random))));
        }

        if (random.Next(3) == 0)
        {
            members.Add(() => Member(json, random, "state", () =>
            {
                json.Append('{');
                Member(json, random, "seed", () => Scalar(json, random));
                json.Append(",\"done\":true}");
            }));
        }

        if (random.Next(10) == 0)
        {
            members.Add(members[random.Next(members.Count)]); // a repeated member
        }

        if (random.Next(10) == 0)
        {
            members.RemoveAt(random.Next(members.Count));
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(members));
        json.Append('{');
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            Space(json, random);
            members[i]();
        }

        json.Append('}');
        return json.ToString();
    }

    private static void Object(StringBuilder json, Random random, List<string> ids, Action value)
    {
        if (random.Next(30) == 0)
        {
            Scalar(json, random); // not an object
            return;
        }

        json.Append('{');
        int n = ids.Count + (random.Next(8) == 0 ? 1 : 0);
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            string id = i < ids.Count ? ids[i] : Pick(random, s_ids);
            Member(json, random, id, value);
        }

        json.Append('}');
    }

    private static void SubmissionEntry(StringBuilder json, Random random)
    {
        if (random.Next(30) == 0)
        {
            Scalar(json, random);
            return;
        }

        var names = new List<string> { "answer", "question", "response_type", "variant", "correct", "input_type" };
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(names));
        int n = random.Next(0, names.Count + 1);
        json.Append('{');
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            string name = names[i];
            Member(json, random, name, name switch
            {
                "answer" => () => AnswerValue(json, random),
                "response_type" => () => (random.Next(5) == 0 ? (Action)(() => Scalar(json, random)) : () => String(json, random, Pick(random, ["choiceresponse", "optionresponse", "stringresponse", "numericalresponse", "customresponse", ""])))(),
                "correct" => () => (random.Next(2) == 0 ? (Action)(() => json.Append(random.Next(2) == 0 ? "true" : "false")) : () => Scalar(json, random))(),
                _ => () => Scalar(json, random),
            });
        }

        json.Append('}');
    }

    private static void CorrectEntry(StringBuilder json, Random random)
    {
        if (random.Next(20) == 0)
        {
            Scalar(json, random);
            return;
        }

        json.Append('{');
        if (random.Next(6) > 0)
        {
            Member(json, random, "correctness", () => (random.Next(8) == 0 ? (Action)(() => Scalar(json, random)) : () => String(json, random, Pick(random, ["correct", "incorrect", "partially-correct", ""])))());
            json.Append(',');
        }

        json.Append("\"npoints\":null}");
    }

    private static void AnswerValue(StringBuilder json, Random random)
    {
        switch (random.Next(10))
        {
            case < 5:
                String(json, random, Pick(random, s_texts));
                break;
            case < 8:
                json.Append('[');
                int n = random.Next(0, 4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        json.Append(',');
                    }

                    Space(json, random);
                    if (random.Next(6) == 0)
                    {
                        Scalar(json, random);
                    }
                    else
                    {
                        String(json, random, Pick(random, s_texts));
                    }
                }

                json.Append(']');
                break;
            default:
                Scalar(json, random);
                break;
        }
    }

    /// <summary>Any value but a list of strings: strings, numbers, literals, a small object or list.</summary>
    private static void Scalar(StringBuilder json, Random random)
    {
        switch (random.Next(8))
        {
            case 0 or 1:
                String(json, random, Pick(random, s_texts));
                break;
            case 2 or 3:
                json.Append(Pick(random, s_numbers));
                break;
            case 4:
                json.Append(Pick(random, ["true", "false", "null"]));
                break;
            case 5:
                json.Append("{\"k\": [1, \"v\"], \"e\":{}}");
                break;
            case 6:
                json.Append(Pick(random, ["[]", "{}", "[[\"a\"]]", "[1,2]"]));
                break;
            default:
                String(json, random, "");
                break;
        }
    }

    private static void Member(StringBuilder json, Random random, string name, Action value)
    {
        // A name escaped now and then (which the forward reading leaves to the document).
        if (random.Next(40) == 0)
        {
            json.Append('"').Append(string.Concat(name.Select(c => $"\\u{(int)c:x4}"))).Append('"');
        }
        else
        {
            String(json, random, name, escape: false);
        }

        Space(json, random);
        json.Append(':');
        Space(json, random);
        value();
    }

    /// <summary>A JSON string of <paramref name="text"/>, its characters escaped in the ways JSON allows (or written as UTF-8) at random.</summary>
    private static void String(StringBuilder json, Random random, string text, bool escape = true)
    {
        json.Append('"');
        int mode = escape ? random.Next(3) : 0; // 0: only what must be, 1: non-ASCII as \u, 2: anything at random
        foreach (char c in text)
        {
            bool must = c is '"' or '\\' || c < ' ';
            if (must || (mode == 1 && c > 0x7E) || (mode == 2 && random.Next(4) == 0))
            {
                string shortForm = c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\t' => "\\t",
                    '\r' => "\\r",
                    '\f' => "\\f",
                    '\b' => "\\b",
                    '/' => "\\/",
                    _ => "",
                };
                json.Append(shortForm.Length > 0 && random.Next(2) == 0 ? shortForm : $"\\u{(int)c:x4}");
            }
            else
            {
                json.Append(c);
            }
        }

        json.Append('"');
    }

    private static void Space(StringBuilder json, Random random)
    {
        if (random.Next(5) == 0)
        {
            json.Append(Pick(random, [" ", "\n", "  \t", "\r\n "]));
        }
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
