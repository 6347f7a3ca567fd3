using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Classhub.Hub.Assignments;
using Classhub.Hub.Pages;

namespace Classhub.Hub.StudentFiles;

/// <summary>
/// A Jupyter notebook (nbformat 4) as HTML that runs nothing of its author's: Markdown cells through Markdig with raw
/// HTML escaped and only http(s) or relative links; code and text outputs as escaped text; PNG and JPEG outputs as
/// <c>data:</c> images (only when their data is base64); HTML, JavaScript, SVG and every other rich output are never
/// rendered: a note says so, and their source is shown as escaped text.
/// </summary>
internal static partial class NotebookHtml
{
    private static readonly JsonDocumentOptions Reading = new() { MaxDepth = 64 };

    private static readonly string[] Images = ["image/png", "image/jpeg"];

    [GeneratedRegex(@"\x1b\[[0-9;?]*[ -/]*[@-~]", RegexOptions.CultureInvariant)]
    private static partial Regex AnsiEscape();

    /// <summary>The notebook's cells as HTML, or null when the bytes are not a notebook (then show them as text).</summary>
    public static string? Render(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Reading);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var html = new StringBuilder("<div class=\"notebook\">");
            foreach (var cell in cells.EnumerateArray())
            {
                Cell(html, cell);
            }

            return html.Append("</div>").ToString();
        }
    }

    private static void Cell(StringBuilder html, JsonElement cell)
    {
        if (cell.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var source = Text(cell, "source");
        switch (String(cell, "cell_type"))
        {
            case "markdown":
                html.Append("<div class=\"cell markdown\">").Append(AssignmentPage.RenderReadme(source)).Append("</div>");
                break;
            case "code":
                var count = cell.TryGetProperty("execution_count", out var n) && n.ValueKind == JsonValueKind.Number ? $"[{n.GetRawText()}]" : "[ ]";
                html.Append("<div class=\"cell code\"><p class=\"prompt\">In ").Append(Html.E(count)).Append("</p><pre class=\"source\"><code>").Append(Html.E(source)).Append("</code></pre>");
                if (cell.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var output in outputs.EnumerateArray())
                    {
                        Output(html, output);
                    }
                }

                html.Append("</div>");
                break;
            default:
                html.Append("<div class=\"cell raw\"><pre>").Append(Html.E(source)).Append("</pre></div>");
                break;
        }
    }

    private static void Output(StringBuilder html, JsonElement output)
    {
        if (output.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        switch (String(output, "output_type"))
        {
            case "stream":
                html.Append("<pre class=\"output").Append(String(output, "name") == "stderr" ? " stderr" : "").Append("\">").Append(Html.E(Text(output, "text"))).Append("</pre>");
                break;
            case "error":
                var traceback = output.TryGetProperty("traceback", out var lines) && lines.ValueKind == JsonValueKind.Array
                    ? string.Join('\n', lines.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()))
                    : $"{String(output, "ename")}: {String(output, "evalue")}";
                html.Append("<pre class=\"output stderr\">").Append(Html.E(AnsiEscape().Replace(traceback, ""))).Append("</pre>");
                break;
            case "display_data" or "execute_result":
                if (output.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    Rich(html, data);
                }

                break;
        }
    }

    /// <summary>A rich output: an image if there is a safe one, else its plain text; whatever else it carries is named, and shown as source.</summary>
    private static void Rich(StringBuilder html, JsonElement data)
    {
        var shown = false;
        foreach (var mime in Images)
        {
            if (!shown && Base64(Text(data, mime)) is { } image)
            {
                html.Append("<img class=\"output\" alt=\"Output image\" src=\"data:").Append(mime).Append(";base64,").Append(image).Append("\">");
                shown = true;
            }
        }

        if (!shown && data.TryGetProperty("text/plain", out _))
        {
            html.Append("<pre class=\"output\">").Append(Html.E(Text(data, "text/plain"))).Append("</pre>");
        }

        foreach (var property in data.EnumerateObject())
        {
            if (property.Name is "text/plain" || (Images.Contains(property.Name) && shown))
            {
                continue;
            }

            html.Append("<p class=\"muted\">Not shown: a <code>").Append(Html.E(property.Name))
                .Append("</code> output (the viewer never renders what could run the student's scripts). Its source:</p>")
                .Append("<pre class=\"output unrendered\">").Append(Html.E(Text(data, property.Name))).Append("</pre>");
        }
    }

    /// <summary>The base64 of an image without its line breaks, or null when it is anything but base64.</summary>
    private static string? Base64(string text)
    {
        var compact = text.Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        if (compact.Length == 0 || compact.Length % 4 != 0 || compact.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')))
        {
            return null;
        }

        var bytes = new byte[compact.Length / 4 * 3];
        return Convert.TryFromBase64String(compact, bytes, out _) ? compact : null;
    }

    private static string String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    /// <summary>nbformat's multiline strings: a string, or a list of strings to join; anything else is shown as its JSON.</summary>
    private static string Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return "";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
            _ => value.GetRawText(),
        };
    }
}
