using System.Text;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Tests.Stages.Desensitize;

/// <summary>
/// Which values without a rule the walk may copy unread: a string only when it can hold no URL identifier and no
/// escape (keys live in objects and arrays), an object or array only when it holds no trigger, a number or literal
/// always. A wrong "false" here would let an identifier through unread.
/// </summary>
public sealed class MayHoldIdentifierTests
{
    [Theory]
    [InlineData("\"edx.user.settings.changed\"", false, false)] // a trigger in a string: strings hold no keys
    [InlineData("\"course-v1:MITx+6.00x+2015\"", false, false)]
    [InlineData("\"/courses/x/courseware/\"", false, false)] // a URL with no edX identifier route
    [InlineData("\"https://example.org/u/someone\"", false, true)] // a /u/NAME route
    [InlineData("\"/x?user_id=12\"", false, true)] // a query value
    [InlineData("\"/api/user/v1/accounts/someone\"", false, true)]
    [InlineData("\"a\\u002fu\\u002fsomeone\"", false, true)] // an escape could spell a route
    [InlineData("\"{\\\"user\\\": 1}\"", true, true)] // the top-level event string: a payload to decode
    [InlineData("\"plain words\"", true, false)]
    [InlineData("{\"student\":\"someone\"}", false, true)] // a key in an object
    [InlineData("[{\"author\":\"someone\"}]", false, true)]
    [InlineData("{\"position\":3}", false, false)]
    [InlineData("12", false, false)]
    [InlineData("null", false, false)]
    [InlineData("true", false, false)]
    [InlineData("", false, false)]
    public void MayHoldIdentifier_ByKindOfValue(string raw, bool isEvent, bool expected)
        => Assert.Equal(expected, DesensitizeStage.MayHoldIdentifier(Encoding.UTF8.GetBytes(raw), isEvent));
}
