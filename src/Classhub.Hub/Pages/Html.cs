using System.Text.Encodings.Web;

namespace Classhub.Hub.Pages;

/// <summary>HTML encoding for everything that goes into a page.</summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Attr(string? text) => HtmlEncoder.Default.Encode(text ?? "");
}
