namespace XAnalytics.Generation;

/// <summary>
/// One synthetic course: its id in one of the two shapes and a tree of sequentials with videos
/// and problems whose usage keys use the matching shape (<c>block-v1:</c> for
/// <c>course-v1:</c> courses, <c>i4x://</c> for <c>Org/Num/Run</c> ones).
/// </summary>
internal sealed class CourseInfo
{
    public required bool IsV1 { get; init; }

    public required byte[] Id { get; init; }

    public required byte[] Org { get; init; }

    public required SequentialInfo[] Sequentials { get; init; }

    public required VideoInfo[] Videos { get; init; }

    public required ProblemInfo[] Problems { get; init; }

    public required byte[][] CategoryIds { get; init; }

    public required byte[][] CategoryNames { get; init; }

    /// <summary><c>/courses/{id}/</c>, the prefix of every course page path.</summary>
    public required byte[] PathPrefix { get; init; }

    public static CourseInfo Create(ref Rng rng, string org, bool isV1, string host)
    {
        string num = (char)('A' + rng.Below(26)) + "" + (char)('A' + rng.Below(26)) + Catalog.I(rng.Between(100, 899)) + "x";
        string run = isV1
            ? Catalog.I(rng.Between(1, 3)) + "T" + Catalog.I(rng.Between(2014, 2015))
            : Catalog.I(rng.Between(2014, 2015)) + "_" + (rng.Chance(0.5) ? "Spring" : "T" + Catalog.I(rng.Between(1, 3)));
        string id = isV1 ? $"course-v1:{org}+{num}+{run}" : $"{org}/{num}/{run}";
        string prefix = $"/courses/{id}/";

        string Key(string type, string hex) => isV1
            ? $"block-v1:{org}+{num}+{run}+type@{type}+block@{hex}"
            : $"i4x://{org}/{num}/{type}/{hex}";

        string Handler(string key, string handler) => isV1
            ? $"{prefix}xblock/{key}/handler/xmodule_handler/{handler}"
            : $"{prefix}modx/{key}/{handler}";

        int chapters = rng.Between(6, 12);
        var seqs = new List<SequentialInfo>();
        var videos = new List<VideoInfo>();
        var problems = new List<ProblemInfo>();
        for (int c = 0; c < chapters; c++)
        {
            string chapter = rng.HexString(32);
            int seqCount = rng.Between(2, 5);
            for (int s = 0; s < seqCount; s++)
            {
                string seqHex = rng.HexString(32);
                string path = $"{prefix}courseware/{chapter}/{seqHex}/";
                int seqIndex = seqs.Count;
                int videoStart = videos.Count;
                int videoCount = rng.Between(0, 3);
                for (int v = 0; v < videoCount; v++)
                {
                    string hex = rng.HexString(32);
                    string key = Key("video", hex);
                    var code = new char[11];
                    const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    for (int k = 0; k < code.Length; k++)
                    {
                        code[k] = alphabet[rng.Below(64)];
                    }

                    videos.Add(new VideoInfo
                    {
                        UsageKey = Catalog.U(key),
                        BrowserId = Catalog.U(isV1 ? hex : $"i4x-{org}-{num}-video-{hex}"),
                        Code = Catalog.U(new string(code)),
                        DurationSeconds = rng.Between(150, 1500),
                        HandlerPath = Catalog.U(Handler(key, "save_user_state")),
                        Sequential = seqIndex,
                    });
                }

                int problemStart = problems.Count;
                int problemCount = rng.Between(0, 3);
                for (int p = 0; p < problemCount; p++)
                {
                    string hex = rng.HexString(32);
                    string key = Key("problem", hex);
                    int kind = rng.Below(Vocabulary.ResponseTypes.Length);
                    int inputs = rng.Chance(0.8) ? 1 : rng.Between(2, 6);
                    var inputIds = new byte[inputs][];
                    for (int k = 0; k < inputs; k++)
                    {
                        inputIds[k] = Catalog.U((isV1 ? hex : $"i4x-{org}-{num}-problem-{hex}") + "_" + Catalog.I(k + 2) + "_1");
                    }

                    problems.Add(new ProblemInfo
                    {
                        UsageKey = Catalog.U(key),
                        DisplayName = Catalog.U(Vocabulary.ProblemNames[rng.Below(Vocabulary.ProblemNames.Length)] + (rng.Chance(0.5) ? " " + Catalog.I(p + 1) : "")),
                        Kind = kind,
                        InputIds = inputIds,
                        HandlerPath = Catalog.U(Handler(key, "problem_check")),
                        MaxGrade = inputs,
                        Sequential = seqIndex,
                        Tags = TagsOf(hex),
                    });
                }

                seqs.Add(new SequentialInfo
                {
                    Id = Catalog.U(Key("sequential", seqHex)),
                    CoursewarePath = Catalog.U(path),
                    PageUrl = Catalog.U("https://" + host + path),
                    VideoStart = videoStart,
                    VideoCount = videoCount,
                    ProblemStart = problemStart,
                    ProblemCount = problemCount,
                    Units = rng.Between(2, 8),
                });
            }
        }

        int categories = rng.Between(3, 8);
        var categoryIds = new byte[categories][];
        var categoryNames = new byte[categories][];
        for (int i = 0; i < categories; i++)
        {
            categoryIds[i] = Catalog.U(i == 0 ? "course" : rng.HexString(32));
            categoryNames[i] = Catalog.U(Vocabulary.CategoryNames[rng.Below(Vocabulary.CategoryNames.Length)]);
        }

        return new CourseInfo
        {
            IsV1 = isV1,
            Id = Catalog.U(id),
            Org = Catalog.U(org),
            Sequentials = [.. seqs],
            Videos = [.. videos],
            Problems = [.. problems],
            CategoryIds = categoryIds,
            CategoryNames = categoryNames,
            PathPrefix = Catalog.U(prefix),
        };
    }

    /// <summary>
    /// A problem's saved tags (see <see cref="ProblemInfo.Tags"/>), from its block id's first byte rather than a draw
    /// of its own, so that tagging problems left every other generated value as it was: seven problems in ten tagged.
    /// </summary>
    private static int TagsOf(string hex)
    {
        int b = Convert.ToInt32(hex[..2], 16);
        return b < 180 ? b % (Vocabulary.TagDifficulties.Length * Vocabulary.TagOutcomes.Length) : -1;
    }
}
