using System.Text.Json;

namespace XAnalytics.Generation;

/// <summary>Pre-encoded property names (ASCII, so the encoder choice does not matter).</summary>
internal static class Names
{
    public static readonly JsonEncodedText Username = JsonEncodedText.Encode("username");

    public static readonly JsonEncodedText EventSource = JsonEncodedText.Encode("event_source");

    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");

    public static readonly JsonEncodedText AcceptLanguage = JsonEncodedText.Encode("accept_language");

    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");

    public static readonly JsonEncodedText Agent = JsonEncodedText.Encode("agent");

    public static readonly JsonEncodedText Page = JsonEncodedText.Encode("page");

    public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");

    public static readonly JsonEncodedText Session = JsonEncodedText.Encode("session");

    public static readonly JsonEncodedText Referer = JsonEncodedText.Encode("referer");

    public static readonly JsonEncodedText Context = JsonEncodedText.Encode("context");

    public static readonly JsonEncodedText Ip = JsonEncodedText.Encode("ip");

    public static readonly JsonEncodedText Event = JsonEncodedText.Encode("event");

    public static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");

    public static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");

    public static readonly JsonEncodedText OrgId = JsonEncodedText.Encode("org_id");

    public static readonly JsonEncodedText CourseId = JsonEncodedText.Encode("course_id");

    public static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");

    public static readonly JsonEncodedText CourseUserTags = JsonEncodedText.Encode("course_user_tags");

    public static readonly JsonEncodedText Module = JsonEncodedText.Encode("module");

    public static readonly JsonEncodedText DisplayName = JsonEncodedText.Encode("display_name");

    public static readonly JsonEncodedText UsageKey = JsonEncodedText.Encode("usage_key");

    public static readonly JsonEncodedText Asides = JsonEncodedText.Encode("asides");

    public static readonly JsonEncodedText TargetUrl = JsonEncodedText.Encode("target_url");

    public static readonly JsonEncodedText CurrentUrl = JsonEncodedText.Encode("current_url");

    public static readonly JsonEncodedText TaggingAside = JsonEncodedText.Encode("tagging_aside");

    public static readonly JsonEncodedText SavedTags = JsonEncodedText.Encode("saved_tags");

    public static readonly JsonEncodedText Difficulty = JsonEncodedText.Encode("difficulty");

    public static readonly JsonEncodedText LearningOutcome = JsonEncodedText.Encode("learning_outcome");

    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");

    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");

    public static readonly JsonEncodedText CurrentTimeCamel = JsonEncodedText.Encode("currentTime");

    public static readonly JsonEncodedText CurrentTime = JsonEncodedText.Encode("current_time");

    public static readonly JsonEncodedText OldTime = JsonEncodedText.Encode("old_time");

    public static readonly JsonEncodedText NewTime = JsonEncodedText.Encode("new_time");

    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");

    public static readonly JsonEncodedText OldSpeed = JsonEncodedText.Encode("old_speed");

    public static readonly JsonEncodedText NewSpeed = JsonEncodedText.Encode("new_speed");

    public static readonly JsonEncodedText Old = JsonEncodedText.Encode("old");

    public static readonly JsonEncodedText New = JsonEncodedText.Encode("new");

    public static readonly JsonEncodedText Submission = JsonEncodedText.Encode("submission");

    public static readonly JsonEncodedText InputType = JsonEncodedText.Encode("input_type");

    public static readonly JsonEncodedText Question = JsonEncodedText.Encode("question");

    public static readonly JsonEncodedText ResponseType = JsonEncodedText.Encode("response_type");

    public static readonly JsonEncodedText Answer = JsonEncodedText.Encode("answer");

    public static readonly JsonEncodedText Variant = JsonEncodedText.Encode("variant");

    public static readonly JsonEncodedText Correct = JsonEncodedText.Encode("correct");

    public static readonly JsonEncodedText Success = JsonEncodedText.Encode("success");

    public static readonly JsonEncodedText Grade = JsonEncodedText.Encode("grade");

    public static readonly JsonEncodedText CorrectMap = JsonEncodedText.Encode("correct_map");

    public static readonly JsonEncodedText Hint = JsonEncodedText.Encode("hint");

    public static readonly JsonEncodedText Hintmode = JsonEncodedText.Encode("hintmode");

    public static readonly JsonEncodedText Correctness = JsonEncodedText.Encode("correctness");

    public static readonly JsonEncodedText Npoints = JsonEncodedText.Encode("npoints");

    public static readonly JsonEncodedText Answervariable = JsonEncodedText.Encode("answervariable");

    public static readonly JsonEncodedText Msg = JsonEncodedText.Encode("msg");

    public static readonly JsonEncodedText Queuestate = JsonEncodedText.Encode("queuestate");

    public static readonly JsonEncodedText State = JsonEncodedText.Encode("state");

    public static readonly JsonEncodedText StudentAnswers = JsonEncodedText.Encode("student_answers");

    public static readonly JsonEncodedText Seed = JsonEncodedText.Encode("seed");

    public static readonly JsonEncodedText Done = JsonEncodedText.Encode("done");

    public static readonly JsonEncodedText InputState = JsonEncodedText.Encode("input_state");

    public static readonly JsonEncodedText Answers = JsonEncodedText.Encode("answers");

    public static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");

    public static readonly JsonEncodedText MaxGrade = JsonEncodedText.Encode("max_grade");

    public static readonly JsonEncodedText ProblemId = JsonEncodedText.Encode("problem_id");

    public static readonly JsonEncodedText Mode = JsonEncodedText.Encode("mode");

    public static readonly JsonEncodedText Body = JsonEncodedText.Encode("body");

    public static readonly JsonEncodedText AnonymousToPeers = JsonEncodedText.Encode("anonymous_to_peers");

    public static readonly JsonEncodedText CategoryId = JsonEncodedText.Encode("category_id");

    public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");

    public static readonly JsonEncodedText Url = JsonEncodedText.Encode("url");

    public static readonly JsonEncodedText Truncated = JsonEncodedText.Encode("truncated");

    public static readonly JsonEncodedText ThreadType = JsonEncodedText.Encode("thread_type");

    public static readonly JsonEncodedText CommentableId = JsonEncodedText.Encode("commentable_id");

    public static readonly JsonEncodedText UserCourseRoles = JsonEncodedText.Encode("user_course_roles");

    public static readonly JsonEncodedText UserForumsRoles = JsonEncodedText.Encode("user_forums_roles");

    public static readonly JsonEncodedText Anonymous = JsonEncodedText.Encode("anonymous");

    public static readonly JsonEncodedText GroupId = JsonEncodedText.Encode("group_id");

    public static readonly JsonEncodedText Options = JsonEncodedText.Encode("options");

    public static readonly JsonEncodedText Followed = JsonEncodedText.Encode("followed");

    public static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("category_name");

    public static readonly JsonEncodedText Discussion = JsonEncodedText.Encode("discussion");

    public static readonly JsonEncodedText Response = JsonEncodedText.Encode("response");

    public static readonly JsonEncodedText Application = JsonEncodedText.Encode("application");

    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");

    public static readonly JsonEncodedText Client = JsonEncodedText.Encode("client");

    public static readonly JsonEncodedText Device = JsonEncodedText.Encode("device");

    public static readonly JsonEncodedText Manufacturer = JsonEncodedText.Encode("manufacturer");

    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");

    public static readonly JsonEncodedText Os = JsonEncodedText.Encode("os");

    public static readonly JsonEncodedText Network = JsonEncodedText.Encode("network");

    public static readonly JsonEncodedText Wifi = JsonEncodedText.Encode("wifi");

    public static readonly JsonEncodedText ReceivedAt = JsonEncodedText.Encode("received_at");

    public static readonly JsonEncodedText Component = JsonEncodedText.Encode("component");

    public static readonly JsonEncodedText OpenInBrowserUrl = JsonEncodedText.Encode("open_in_browser_url");

    public static readonly JsonEncodedText PercentGrade = JsonEncodedText.Encode("percent_grade");

    public static readonly JsonEncodedText LetterGrade = JsonEncodedText.Encode("letter_grade");

    public static readonly JsonEncodedText CourseVersion = JsonEncodedText.Encode("course_version");

    public static readonly JsonEncodedText EventTransactionId = JsonEncodedText.Encode("event_transaction_id");

    public static readonly JsonEncodedText EventTransactionType = JsonEncodedText.Encode("event_transaction_type");

    public static readonly JsonEncodedText SubsectionId = JsonEncodedText.Encode("subsection_id");

    public static readonly JsonEncodedText WeightedEarned = JsonEncodedText.Encode("weighted_earned");

    public static readonly JsonEncodedText WeightedPossible = JsonEncodedText.Encode("weighted_possible");

    public static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
}
