using System.Text;

namespace XAnalytics.Generation;

/// <summary>Fixed word lists. Everything here is invented or generic; nothing comes from real logs.</summary>
internal static class Vocabulary
{
    public static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ra", "ten", "vo", "su", "ne", "di", "pa", "ro", "ma", "li", "zu", "an",
        "el", "or", "ba", "ki", "no", "sa", "te", "ju", "ve", "mo", "ri", "da", "fe", "go", "ha",
        "ix", "ul", "yo", "we", "qi", "ny", "ce", "to", "lu", "mer",
    ];

    /// <summary>Desktop agents of the period, weighted by position (earlier = more common).</summary>
    public static readonly byte[][] DesktopAgents = Utf8(
    [
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36",
        "Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.76 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:36.0) Gecko/20100101 Firefox/36.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_2) AppleWebKit/600.3.18 (KHTML, like Gecko) Version/8.0.3 Safari/600.3.18",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.111 Safari/537.36",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:35.0) Gecko/20100101 Firefox/35.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.10136",
        "Mozilla/5.0 (iPad; CPU OS 8_1_3 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12B466 Safari/600.1.4",
        "Mozilla/5.0 (Linux; Android 4.4.2; SM-T530 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.109 Safari/537.36",
        "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)",
    ]);

    public static readonly byte[][] MobileAgents = Utf8(
    [
        "Dalvik/2.1.0 (Linux; U; Android 5.0.2; SM-G920F Build/LRX22G)",
        "Dalvik/1.6.0 (Linux; U; Android 4.4.4; XT1032 Build/KXB21.14-L1.40)",
        "edX/org.edx.mobile (1.0.02; OS Version 8.1.3 (Build 12B466))",
        "edX/org.edx.mobile (1.0.01; OS Version 8.2 (Build 12D508))",
    ]);

    public static readonly (string Name, string Version, string Os, string OsVersion, string Maker, string Model)[] MobileApps =
    [
        ("edx.mobileapp.android", "1.0.02", "Android", "5.0.2", "samsung", "SM-G920F"),
        ("edx.mobileapp.android", "1.0.01", "Android", "4.4.4", "motorola", "XT1032"),
        ("edx.mobileapp.iOS", "1.0.02", "iOS", "8.1.3", "Apple", "iPhone7,2"),
        ("edx.mobileapp.iOS", "1.0.01", "iOS", "8.2", "Apple", "iPad4,1"),
    ];

    public static readonly byte[][] AcceptLanguages = Utf8(
    [
        "en-US,en;q=0.8", "en-US,en;q=0.5", "en-us", "es-ES,es;q=0.8,en;q=0.6", "fr-FR,fr;q=0.8,en-US;q=0.6,en;q=0.4",
        "zh-CN,zh;q=0.8", "pt-BR,pt;q=0.8,en-US;q=0.6", "de-DE,de;q=0.8,en-US;q=0.6,en;q=0.4", "ja,en-US;q=0.8,en;q=0.6",
        "ru-RU,ru;q=0.8,en-US;q=0.5,en;q=0.3", "hi-IN,hi;q=0.8,en;q=0.6", "",
    ]);

    public static readonly byte[][] Modes = Utf8(["audit", "honor", "verified", "professional", "no-id-professional"]);

    /// <summary>Words for forum posts: mostly English, some accented, CJK and emoji, so text carries multi-byte UTF-8.</summary>
    public static readonly string[] Words =
    [
        "the", "answer", "problem", "question", "week", "lecture", "video", "I", "think", "we", "should", "use",
        "formula", "because", "is", "not", "clear", "why", "how", "does", "this", "work", "thanks", "for", "help",
        "quiz", "grade", "deadline", "homework", "example", "second", "part", "wrong", "correct", "please", "explain",
        "function", "value", "energy", "cell", "market", "theory", "data", "model", "code", "error", "again",
        "résumé", "café", "naïve", "pregunta", "está", "número", "über", "Grüße", "ação", "problème", "déjà",
        "我不明白", "这个问题", "谢谢", "ありがとう", "質問があります", "질문이", "감사합니다", "Спасибо", "вопрос",
        "🙂", "👍", "🎓", "🤔", "😅", "✔",
    ];

    public static readonly string[] TitleStarts =
    [
        "Question about", "Help with", "Confused by", "Typo in", "Discussion:", "Hint for", "Error in", "Pregunta sobre",
        "Question sur", "关于", "Study group for",
    ];

    public static readonly string[] TopicNouns =
    [
        "Week 1", "Week 2", "Problem Set 3", "the midterm", "Lecture 4", "the final exam", "Homework 2", "Lab 1",
        "the reading", "Quiz 5",
    ];

    public static readonly string[] ProblemNames =
    [
        "Multiple Choice", "Checkboxes", "Numerical Input", "Text Input", "Dropdown", "Custom Python-Evaluated Input",
        "Math Expression Input", "Drag and Drop", "Image Mapped Input",
    ];

    /// <summary>Pages on other sites that course pages link to (UTF-8).</summary>
    public static readonly byte[][] ExternalLinks =
    [
        "https://en.wikipedia.org/wiki/Linear_algebra"u8.ToArray(), "https://www.youtube.com/watch?v=dQw4w9WgXcQ"u8.ToArray(),
        "http://external.page.com/"u8.ToArray(), "https://docs.python.org/3/tutorial/index.html"u8.ToArray(),
        "https://www.khanacademy.org/math/statistics-probability"u8.ToArray(), "//cdn.example.org/handout.pdf"u8.ToArray(),
    ];

    /// <summary>The difficulty tags of edX's tagging aside, as its acceptance logs write them.</summary>
    public static readonly string[] TagDifficulties = ["Easy", "Medium", "Hard"];

    /// <summary>The learning-outcome tags of edX's tagging aside, as its acceptance logs write them.</summary>
    public static readonly string[] TagOutcomes = ["Learned nothing", "Learned a few things", "Learned everything"];

    public static readonly string[] ResponseTypes =
    [
        "multiplechoiceresponse", "choiceresponse", "numericalresponse", "stringresponse", "optionresponse",
        "customresponse", "formularesponse",
    ];

    public static readonly string[] InputTypes =
    [
        "choicegroup", "checkboxgroup", "formulaequationinput", "textline", "optioninput", "textline", "formulaequationinput",
    ];

    public static readonly string[] CategoryNames =
    [
        "General", "Week 1 / Introduction", "Week 2 / Problem Set", "Technical Issues", "Course Feedback",
        "Study Groups", "Lecture Questions / Unit 3", "Exams / Midterm",
    ];

    public static readonly byte[][] NoCoursePaths = Utf8(
    [
        "/dashboard", "/jsi18n/", "/courses", "/i18n.js", "/user_api/v1/account/login_session/",
        "/api/enrollment/v1/enrollment", "/account/settings", "/notifier_api/v1/users/", "/search/course_discovery/",
    ]);

    public static readonly byte[][] AnonymousPaths = Utf8(["/", "/login", "/register", "/courses", "/jsi18n/", "/favicon.ico", "/password_reset/"]);

    public static readonly byte[][] CoursePages = Utf8(["info", "progress", "discussion/forum", "about", "courseware", "wiki/", "instructor"]);

    public static readonly byte[][] TaskEvents = Utf8(
    [
        "edx.grades.subsection.grade_calculated", "edx.grades.course.grade_calculated", "edx.grades.problem.rescored",
    ]);

    public static readonly byte[][] LetterGrades = Utf8(["", "Pass", "A", "B", "C"]);

    public static byte[][] Utf8(string[] values)
    {
        var result = new byte[values.Length][];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = Encoding.UTF8.GetBytes(values[i]);
        }

        return result;
    }
}
