using System.Text.RegularExpressions;

namespace Classhub.Hub.Assignments.Tests;

public sealed partial class AssignmentPageTests
{
    [Fact]
    public void RenderReadme_RawHtmlAndScriptLinks_EscapedOrDropped()
    {
        var html = AssignmentPage.RenderReadme("# Hw\n<script>alert(1)</script>\n\n[ok](https://example.org) [rel](data/a.csv) [bad](javascript:alert(1))");

        Assert.Contains("<h1>Hw</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"data/a.csv\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
    }

    /// <summary>Every way Markdown makes a link or an image: only http(s), mailto and relative URLs may come out.</summary>
    [Theory]
    [InlineData("<javascript:alert(2)>")]
    [InlineData("<JaVaScRiPt:alert(document.cookie)>")]
    [InlineData("<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>")]
    [InlineData("![x](javascript:alert(3))")]
    [InlineData("[x](JaVaScRiPt:alert(4))")]
    [InlineData("[x](vbscript:msgbox(5))")]
    [InlineData("[x](java&#x73;cript:alert(6))")]
    [InlineData("[x](&#x20;javascript:alert(7))")]
    [InlineData("[x](java%0ascript:alert(8))")]
    [InlineData("[x][ref]\n\n[ref]: javascript:alert(9)")]
    [InlineData("![x][img]\n\n[img]: data:image/svg+xml,<svg/onload=alert(10)>")]
    [InlineData("[x](<javascript:alert(11)>)")]
    public void RenderReadme_ScriptUrlInAnyLinkOrImage_NotRendered(string markdown)
    {
        var html = AssignmentPage.RenderReadme(markdown);

        foreach (Match m in UrlAttribute().Matches(html))
        {
            var url = System.Net.WebUtility.HtmlDecode(m.Groups["url"].Value);
            Assert.True(
                url == "#" || url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("mailto:", StringComparison.Ordinal) || !url.Contains(':', StringComparison.Ordinal),
                $"{markdown} rendered {m.Value} in {html}");
        }

        Assert.DoesNotMatch("(?i)(href|src)=\"[^\"]*(javascript|vbscript|data):", html);
    }

    [Theory]
    [InlineData("<https://example.org/a>", "href=\"https://example.org/a\"")]
    [InlineData("<mailto:ta@example.edu>", "href=\"mailto:ta@example.edu\"")]
    [InlineData("<ta@example.edu>", "href=\"mailto:ta@example.edu\"")]
    [InlineData("![plot](figures/plot.png)", "src=\"figures/plot.png\"")]
    [InlineData("[q](#question-2)", "href=\"#question-2\"")]
    [InlineData("[ref][r]\n\n[r]: https://example.org/r", "href=\"https://example.org/r\"")]
    public void RenderReadme_SafeLinks_Kept(string markdown, string expected)
    {
        Assert.Contains(expected, AssignmentPage.RenderReadme(markdown), StringComparison.Ordinal);
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]*)\"")]
    private static partial Regex UrlAttribute();
}
