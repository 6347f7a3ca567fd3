namespace Classhub.Hub.Assignments.Tests;

public sealed class AssignmentPageTests
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
}
