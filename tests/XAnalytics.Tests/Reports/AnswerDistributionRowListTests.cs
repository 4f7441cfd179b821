using XAnalytics.Reports;

namespace XAnalytics.Tests.Reports;

/// <summary>
/// <see cref="AnswerDistributionRowList.Sort"/> is a total order of the rows' text: rows that agree on course, module,
/// part, value id, answer and variant (edX's groups for a variant <c>""</c> and an absent one are both written empty)
/// come out in one order whatever order the threads met them in. A review found three runs of one input giving three
/// files when only those six columns were compared.
/// </summary>
public sealed class AnswerDistributionRowListTests
{
    [Fact]
    public void Sort_RowsAlikeInTheFirstColumns_SameOrderFromEveryStart()
    {
        var texts = new InternedBytes();
        int module = texts.Intern("block-v1:O+C+R+type@problem+block@p"), part = texts.Intern("p_2_1"), value = texts.Intern("choice_1");
        int answer = texts.Intern("One"), empty = texts.Intern(""), shown = texts.Intern("P"), q1 = texts.Intern("Old question"), q2 = texts.Intern("New question");
        AnswerDistributionItem[] rows =
        [
            new(0, module, part, true, 3, 1, value, answer, empty, shown, q1),
            new(0, module, part, true, 1, 3, value, answer, empty, shown, q1),
            new(0, module, part, false, 3, 1, value, answer, empty, shown, q1),
            new(0, module, part, true, 3, 1, value, answer, empty, shown, q2),
            new(0, module, part, true, 3, 1, value, answer, empty, empty, q1),
        ];
        string[] courses = ["course-v1:O+C+R"];

        AnswerDistributionItem[] first = [.. rows];
        AnswerDistributionRowList.Sort(first, courses, texts);
        var random = new Random(15);
        for (int trial = 0; trial < 50; trial++)
        {
            AnswerDistributionItem[] shuffled = [.. rows];
            random.Shuffle(shuffled);
            AnswerDistributionRowList.Sort(shuffled, courses, texts);
            Assert.Equal(first, shuffled);
        }

        // Correct before incorrect is false before true; then first, last, display name and question as text.
        Assert.False(first[0].Correct);
        Assert.Equal([q2, q1], new[] { first[^2].Question, first[^1].Question });
    }
}
