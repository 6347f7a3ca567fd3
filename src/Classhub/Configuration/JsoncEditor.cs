using System.Text;
using System.Text.Json;

namespace Classhub.Configuration;

/// <summary>
/// Sets one dotted key in a JSON-with-comments text without disturbing anything else: the value's bytes are
/// replaced in place, or a new member is added to the deepest existing object on the key's path (creating the
/// missing parent objects). Comments, order and formatting written by a person survive <c>config set</c>.
/// </summary>
internal static class JsoncEditor
{
    public static string Set(string text, string dottedKey, string valueJson)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var path = dottedKey.Split('.');
        var (values, objects) = Scan(bytes);
        if (values.TryGetValue(dottedKey, out var span))
        {
            return Encoding.UTF8.GetString(bytes, 0, span.Start) + valueJson + Encoding.UTF8.GetString(bytes, span.End, bytes.Length - span.End);
        }

        for (var depth = path.Length - 1; depth >= 0; depth--)
        {
            var parent = string.Join('.', path[..depth]);
            if (objects.TryGetValue(parent, out var obj))
            {
                return Insert(bytes, obj, path[depth..], valueJson, depth + 1);
            }
        }

        throw new InvalidOperationException("the configuration text holds no JSON object");
    }

    private static (Dictionary<string, (int Start, int End)> Values, Dictionary<string, ObjectSpan> Objects) Scan(byte[] bytes)
    {
        var values = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var objects = new Dictionary<string, ObjectSpan>(StringComparer.Ordinal);
        var open = new Stack<(string Path, int OpenAt, int LastMemberEnd)>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow, AllowTrailingCommas = true });
        string? name = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Comment:
                    continue;
                case JsonTokenType.PropertyName:
                    name = reader.GetString();
                    continue;
                case JsonTokenType.StartObject:
                    var objectPath = open.Count == 0 ? "" : Join(open.Peek().Path, name!);
                    values[objectPath] = ((int)reader.TokenStartIndex, -1);
                    open.Push((objectPath, (int)reader.TokenStartIndex, -1));
                    name = null;
                    continue;
                case JsonTokenType.EndObject:
                    var closed = open.Pop();
                    objects[closed.Path] = new ObjectSpan(closed.OpenAt, (int)reader.TokenStartIndex, closed.LastMemberEnd);
                    values[closed.Path] = (values[closed.Path].Item1, (int)reader.BytesConsumed);
                    MarkEnd(open, (int)reader.BytesConsumed);
                    continue;
                default:
                    var start = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    if (open.Count > 0 && name is not null)
                    {
                        values[Join(open.Peek().Path, name)] = (start, (int)reader.BytesConsumed);
                    }

                    MarkEnd(open, (int)reader.BytesConsumed);
                    name = null;
                    continue;
            }
        }

        return (values, objects);
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    private static void MarkEnd(Stack<(string Path, int OpenAt, int LastMemberEnd)> open, int end)
    {
        if (open.Count > 0)
        {
            var top = open.Pop();
            open.Push(top with { LastMemberEnd = end });
        }
    }

    private static string Insert(byte[] bytes, ObjectSpan obj, string[] missing, string valueJson, int depth)
    {
        var member = new StringBuilder().Append('"').Append(missing[0]).Append("\": ");
        foreach (var name in missing[1..])
        {
            member.Append("{ \"").Append(name).Append("\": ");
        }

        member.Append(valueJson);
        for (var i = 1; i < missing.Length; i++)
        {
            member.Append(" }");
        }

        var indent = new string(' ', 2 * depth);
        var head = Encoding.UTF8.GetString(bytes, 0, obj.LastMemberEnd >= 0 ? obj.LastMemberEnd : obj.OpenAt + 1);
        var tail = Encoding.UTF8.GetString(bytes, obj.LastMemberEnd >= 0 ? obj.LastMemberEnd : obj.OpenAt + 1, bytes.Length - (obj.LastMemberEnd >= 0 ? obj.LastMemberEnd : obj.OpenAt + 1));
        return obj.LastMemberEnd >= 0
            ? string.Concat(head, ",\n", indent, member.ToString(), tail)
            : string.Concat(head, "\n", indent, member.ToString(), "\n", new string(' ', 2 * (depth - 1)), tail.TrimStart());
    }

    private sealed record ObjectSpan(int OpenAt, int CloseAt, int LastMemberEnd);
}
