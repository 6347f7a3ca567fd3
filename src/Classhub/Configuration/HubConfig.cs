using System.Globalization;
using System.Text.Json;

namespace Classhub.Configuration;

/// <summary>
/// The configuration as read from the file, with every key's default filled in. Reading reports every problem at
/// once (unknown keys with a suggestion, wrong types, bad choices) instead of stopping at the first.
/// </summary>
internal sealed class HubConfig
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly Dictionary<string, JsonElement> _values;

    private HubConfig(string? path, Dictionary<string, JsonElement> values, IReadOnlyList<ConfigProblem> problems)
    {
        Path = path;
        _values = values;
        Problems = problems;
    }

    /// <summary>The file read, or null when there was none (all defaults).</summary>
    public string? Path { get; }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    public static HubConfig Defaults() => Parse(null, "{}");

    /// <summary>Reads the file; a missing file means defaults (and is not a problem).</summary>
    public static HubConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return Parse(null, "{}");
        }

        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (UnauthorizedAccessException)
        {
            return new HubConfig(path, DefaultValues(), [new ConfigProblem(path, "cannot be read", "run classhub as root, or fix the file's permissions")]);
        }
    }

    public static HubConfig Parse(string? path, string text)
    {
        var where = path ?? "configuration";
        var values = DefaultValues();
        var problems = new List<ConfigProblem>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            var line = (e.LineNumber ?? 0) + 1;
            return new HubConfig(path, values, [new ConfigProblem($"{where}, line {line}", $"not valid JSON ({e.Message.Split(" Path:")[0]})", "fix the syntax; comments (// and /* */) and trailing commas are allowed")]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new HubConfig(path, values, [new ConfigProblem(where, "the file must hold one JSON object { ... }", "start from 'classhub config default'")]);
            }

            problems.AddRange(Duplicates(text, where));
            Flatten(document.RootElement, "", values, problems, where);
        }

        return new HubConfig(path, values, problems);
    }

    /// <summary>
    /// Keys given twice (JSON leaves it undefined which one counts; .NET would silently take the last), named with both
    /// lines. <c>"tls": {"mode": ...}</c> and <c>"tls.mode"</c> are the same key.
    /// </summary>
    private static IEnumerable<ConfigProblem> Duplicates(string text, string where)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var objects = new Stack<string>();
        var (line, counted) = (1, 0);
        string? name = null;
        var problems = new List<ConfigProblem>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var start = (int)reader.TokenStartIndex;
                    line += bytes.AsSpan(counted, start - counted).Count((byte)'\n');
                    counted = start;
                    name = objects.Peek() + reader.GetString();
                    if (firstLine.TryGetValue(name, out var first))
                    {
                        problems.Add(new ConfigProblem($"{where}, line {line}, key '{name}'", $"is set twice (first on line {first}), and only one of the two values can count", "keep one of them"));
                    }
                    else
                    {
                        firstLine[name] = line;
                    }

                    break;
                case JsonTokenType.StartObject:
                    objects.Push(name is null ? "" : name + ".");
                    name = null;
                    break;
                case JsonTokenType.EndObject:
                    objects.Pop();
                    break;
                case JsonTokenType.StartArray:
                    reader.Skip();
                    break;
            }
        }

        return problems;
    }

    public string Text(string key) => Get(key).GetString() ?? "";

    public IReadOnlyList<string> TextList(string key) => [.. Get(key).EnumerateArray().Select(e => e.GetString() ?? "")];

    public int Integer(string key) => Get(key).GetInt32();

    public TimeSpan Seconds(string key) => TimeSpan.FromSeconds(Get(key).GetInt32());

    public bool Boolean(string key) => Get(key).GetBoolean();

    /// <summary>The effective value as JSON (for <c>config get</c>).</summary>
    public string Json(string key) => Get(key).GetRawText();

    /// <summary>The effective value as a person reads it: strings bare, the rest as JSON.</summary>
    public string Display(string key) => Get(key) is { ValueKind: JsonValueKind.String } s ? s.GetString()! : Get(key).GetRawText();

    private JsonElement Get(string key) =>
        _values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"no configuration key {key}", nameof(key));

    private static Dictionary<string, JsonElement> DefaultValues()
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var key in ConfigSchema.Keys)
        {
            using var doc = JsonDocument.Parse(key.DefaultJson);
            values[key.Name] = doc.RootElement.Clone();
        }

        return values;
    }

    private static void Flatten(JsonElement obj, string prefix, Dictionary<string, JsonElement> values, List<ConfigProblem> problems, string where)
    {
        foreach (var property in obj.EnumerateObject())
        {
            var name = prefix + property.Name;
            var key = ConfigSchema.Find(name);
            if (key is null && property.Value.ValueKind == JsonValueKind.Object && ConfigSchema.Keys.Any(k => k.Name.StartsWith(name + ".", StringComparison.Ordinal)))
            {
                Flatten(property.Value, name + ".", values, problems, where);
                continue;
            }

            if (key is null)
            {
                var suggestion = ConfigSchema.Suggest(name);
                problems.Add(new ConfigProblem($"{where}, key '{name}'", "unknown key", suggestion is null ? "remove it; 'classhub config default' lists every key" : $"did you mean '{suggestion}'?"));
                continue;
            }

            if (Check(key, property.Value) is { } message)
            {
                problems.Add(new ConfigProblem($"{where}, key '{name}'", message, $"set it like: {key.Name} = {key.DefaultJson} ({key.Doc})"));
                continue;
            }

            values[name] = property.Value.Clone();
        }
    }

    /// <summary>Null when <paramref name="value"/> fits <paramref name="key"/>, else what is wrong.</summary>
    public static string? Check(ConfigKey key, JsonElement value)
    {
        switch (key.Type)
        {
            case ConfigType.Seconds or ConfigType.Integer:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= key.Minimum ? null : $"must be a whole number, {key.Minimum} or more";
            case ConfigType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false";
            case ConfigType.TextList:
                return value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) ? null : "must be a list of strings like [\"a\", \"b\"]";
            case ConfigType.Choice:
                return value.ValueKind == JsonValueKind.String && key.Choices!.Contains(value.GetString()!) ? null : $"must be one of {string.Join(", ", key.Choices!.Select(c => $"\"{c}\""))}";
            case ConfigType.Url:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return "must be a string";
                }

                var text = value.GetString()!;
                return text.Length == 0 || Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? null : $"'{text}' is not an http(s) URL";
            case ConfigType.Path:
                return value.ValueKind == JsonValueKind.String && (value.GetString()!.Length == 0 || System.IO.Path.IsPathRooted(value.GetString())) ? null : "must be an absolute path (or empty)";
            default:
                return value.ValueKind == JsonValueKind.String ? null : "must be a string";
        }
    }

    /// <summary>Turns what a person typed after <c>config set KEY</c> into the JSON value for the key.</summary>
    public static (string? Json, string? Problem) FromCommandLine(ConfigKey key, string text)
    {
        string json;
        switch (key.Type)
        {
            case ConfigType.Seconds or ConfigType.Integer:
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return (null, $"{key.Name} must be a whole number, {key.Minimum} or more");
                }

                json = n.ToString(CultureInfo.InvariantCulture);
                break;
            case ConfigType.Boolean:
                json = text.Trim().ToLowerInvariant();
                break;
            case ConfigType.TextList:
                var items = text.TrimStart().StartsWith('[')
                    ? null
                    : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                json = items is null ? text : JsonSerializer.Serialize(items, ConfigJsonContext.Default.StringArray);
                break;
            default:
                json = JsonSerializer.Serialize(text, ConfigJsonContext.Default.String);
                break;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return Check(key, doc.RootElement) is { } problem ? (null, $"{key.Name} {problem}") : (json, null);
        }
        catch (JsonException)
        {
            return (null, $"{key.Name}: '{text}' is not a valid value");
        }
    }
}
