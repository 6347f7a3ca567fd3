using System.Text;
using System.Text.Json.Nodes;

namespace Classhub.Hub.StudentFiles.Tests;

/// <summary>A notebook a student wrote, rendered for staff: nothing in it may become markup that runs.</summary>
public sealed class NotebookHtmlTests
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    [Fact]
    public void Render_ScriptsAndHandlersInEveryPlace_AreEscapedText()
    {
        var html = Render(
            Markdown("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[a](javascript:alert(3)) [b](JaVaScRiPt:alert(4)) [c](https://example.edu/ok)"),
            Code("print('<script>x</script>')", Stream("<script>alert(5)</script>"), Rich("text/html", "<img src=x onerror=alert(6)>"), Rich("application/javascript", "alert(7)"), Rich("image/svg+xml", "<svg onload=alert(8)/>")));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"https://example.edu/ok\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(5)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Not shown: a <code>text/html</code> output", html, StringComparison.Ordinal);
        Assert.Contains("Not shown: a <code>application/javascript</code> output", html, StringComparison.Ordinal);
        Assert.Contains("Not shown: a <code>image/svg&#x2B;xml</code> output", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PngOutput_IsADataImage_AndDataThatIsNotBase64_IsNot()
    {
        var html = Render(Code("plot()", Rich("image/png", Png + "\n"), Rich("image/png", "AAAA\" onerror=\"alert(1)")));

        Assert.Contains($"<img class=\"output\" alt=\"Output image\" src=\"data:image/png;base64,{Png}\">", html, StringComparison.Ordinal);
        Assert.Single(html.Split("<img").Skip(1));
        Assert.DoesNotContain("\" onerror=\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ErrorOutput_DropsTerminalColoursAndEscapes()
    {
        var error = new JsonObject { ["output_type"] = "error", ["ename"] = "E", ["evalue"] = "v", ["traceback"] = new JsonArray("\u001b[0;31mValueError\u001b[0m: <b>bad</b>") };

        var html = Render(Code("raise", error));

        Assert.Contains("ValueError: &lt;b&gt;bad&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"cells\": 3}")]
    public void Render_NotANotebook_IsNull(string text)
    {
        Assert.Null(NotebookHtml.Render(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Render_OddCells_AreSkippedOrShownAsText()
    {
        var html = NotebookHtml.Render(Encoding.UTF8.GetBytes("""{"cells": [1, {"cell_type": "raw", "source": ["<b>", "raw</b>"]}, {"cell_type": "code", "source": 5, "outputs": [null, {"output_type": "stream", "text": ["a", "<", "b"]}]}]}"""));

        Assert.NotNull(html);
        Assert.Contains("&lt;b&gt;raw&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b", html, StringComparison.Ordinal);
    }

    private static string Render(params JsonObject[] cells) =>
        NotebookHtml.Render(Encoding.UTF8.GetBytes(new JsonObject { ["nbformat"] = 4, ["cells"] = new JsonArray(cells) }.ToJsonString()))!;

    private static JsonObject Markdown(string source) => new() { ["cell_type"] = "markdown", ["source"] = source };

    private static JsonObject Code(string source, params JsonObject[] outputs) => new() { ["cell_type"] = "code", ["source"] = source, ["outputs"] = new JsonArray(outputs) };

    private static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = text };

    private static JsonObject Rich(string mime, string data) => new() { ["output_type"] = "display_data", ["data"] = new JsonObject { [mime] = data } };
}
