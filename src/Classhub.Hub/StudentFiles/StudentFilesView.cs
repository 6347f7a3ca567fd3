using System.Globalization;
using System.Text;
using Classhub.Hub.Pages;

namespace Classhub.Hub.StudentFiles;

/// <summary>The viewer's pages: a folder's listing and a file's content, every name and byte of the student's HTML-encoded.</summary>
internal static class StudentFilesView
{
    private const string Notice = "<p class=\"muted\">A read-only view: nothing of the student's runs here.</p>";

    /// <summary>The viewer's address of a path in <paramref name="owner"/>'s home (a folder's ends with /).</summary>
    public static string Url(string owner, IEnumerable<string> segments, bool folder) =>
        $"/hub/users/{Uri.EscapeDataString(owner)}/files/{string.Join('/', segments.Select(Uri.EscapeDataString))}{(folder && segments.Any() ? "/" : "")}";

    public static string Listing(string owner, IReadOnlyList<string> segments, HomeItem.Folder folder, ViewScope scope)
    {
        var entries = segments.Count == 0 && !scope.WholeHome
            ? folder.Entries.Where(e => e.Kind == EntryKind.Folder && scope.Courses.Contains(e.Name, StringComparer.Ordinal)).ToList()
            : folder.Entries;
        var items = new StringBuilder();
        foreach (var entry in entries)
        {
            var path = segments.Append(entry.Name).ToList();
            items.Append("<li>").Append(entry.Kind switch
            {
                EntryKind.Folder => $"<a href=\"{Html.Attr(Url(owner, path, folder: true))}\">{Html.E(entry.Name)}/</a>",
                EntryKind.File => $"<a href=\"{Html.Attr(Url(owner, path, folder: false))}\">{Html.E(entry.Name)}</a> <span class=\"muted\">{Size(entry.Size)}</span>",
                EntryKind.Link => $"{Html.E(entry.Name)} <span class=\"muted\">(symbolic link, not followed)</span>",
                EntryKind.NotTheirs => $"{Html.E(entry.Name)} <span class=\"muted\">(not the student's, not opened)</span>",
                _ => $"{Html.E(entry.Name)} <span class=\"muted\">(special file, not opened)</span>",
            }).Append("</li>");
        }

        var more = folder.Total > folder.Entries.Count ? $"<p class=\"muted\">Showing the first {folder.Entries.Count} of {folder.Total} entries.</p>" : "";
        var empty = entries.Count == 0 ? "<p class=\"muted\">Nothing here that you may see.</p>" : "";
        return $"<section class=\"card wide\">{Trail(owner, segments)}<h1>{Html.E(segments.Count == 0 ? $"Files of {owner}" : segments[^1] + "/")}</h1>{Notice}<ul class=\"files\">{items}</ul>{empty}{more}</section>";
    }

    public static string File(string owner, IReadOnlyList<string> segments, string content)
    {
        var download = Url(owner, segments, folder: false) + "?download=1";
        return $"<section class=\"card wide\">{Trail(owner, segments)}<h1>{Html.E(segments[^1])}</h1>{Notice}<p><a class=\"button\" href=\"{Html.Attr(download)}\">Download</a></p>{content}</section>";
    }

    public static string Text(string text) => $"<pre class=\"file\">{Html.E(text)}</pre>";

    public static string NotShown(long size, string why) =>
        $"<p class=\"muted\">{Html.E(why)} ({Size(size)}); download it to look at it.</p>";

    private static string Trail(string owner, IReadOnlyList<string> segments)
    {
        var trail = new StringBuilder($"<nav aria-label=\"Folders\" class=\"trail\"><a href=\"{Html.Attr(Url(owner, [], folder: true))}\">{Html.E(owner)}</a>");
        for (var i = 0; i < segments.Count - 1; i++)
        {
            trail.Append(" / <a href=\"").Append(Html.Attr(Url(owner, segments.Take(i + 1), folder: true))).Append("\">").Append(Html.E(segments[i])).Append("</a>");
        }

        return trail.Append("</nav>").ToString();
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
