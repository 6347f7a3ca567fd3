using System.Diagnostics.Tracing;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>
/// Loaded with DOTNET_STARTUP_HOOKS into the JIT build of classhub by bench/startup-types.py. Listens to the
/// dependency-injection container's call-site events and, when the process exits, writes to STARTUP_TYPES_OUT one line
/// per generic type or array type the container had to make at run time ("G name" for an implementation type,
/// "A name" for the element type of an IEnumerable&lt;T&gt; it resolved), followed by "T name&lt;TAB&gt;assembly" for
/// every type named in them.
/// </summary>
internal static partial class StartupHook
{
    private static Listener? s_listener;

    public static void Initialize()
    {
        s_listener = new Listener(Environment.GetEnvironmentVariable("STARTUP_TYPES_OUT") ?? throw new InvalidOperationException("STARTUP_TYPES_OUT is not set"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => s_listener.Write();
    }

    private sealed partial class Listener(string path) : EventListener
    {
        private readonly List<string> _chunks = [];
        private readonly SortedSet<string> _lines = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Extensions-DependencyInjection")
            {
                EnableEvents(source, EventLevel.Verbose, EventKeywords.All);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName != "CallSiteBuilt" || e.Payload is null)
            {
                return;
            }

            var names = e.PayloadNames!;
            var field = (string name) => e.Payload[names.IndexOf(name)];
            lock (_lines)
            {
                _chunks.Add((string)field("callSite")!);
                if ((int)field("chunkIndex")! == (int)field("chunkCount")! - 1)
                {
                    using var site = JsonDocument.Parse(string.Concat(_chunks));
                    _chunks.Clear();
                    Walk(site.RootElement);
                }
            }
        }

        private void Walk(JsonElement site)
        {
            if (site.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (site.TryGetProperty("implementationType", out var implementation) && implementation.GetString()!.Contains('`'))
            {
                _lines.Add("G " + implementation.GetString());
            }

            if (site.TryGetProperty("kind", out var kind) && kind.GetString() == "IEnumerable")
            {
                _lines.Add("A " + site.GetProperty("itemType").GetString());
            }

            foreach (var list in new[] { "arguments", "items" })
            {
                if (site.TryGetProperty(list, out var children))
                {
                    foreach (var child in children.EnumerateArray())
                    {
                        Walk(child);
                    }
                }
            }
        }

        public void Write()
        {
            lock (_lines)
            {
                var assemblies = AppDomain.CurrentDomain.GetAssemblies();
                var named = _lines.SelectMany(l => TypeName().Split(l[2..])).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct();
                var lines = _lines.Concat(named.Select(n => $"T {n}\t{assemblies.Select(a => a.GetType(n)).FirstOrDefault(t => t is not null)?.Assembly.GetName().Name ?? "?"}"));
                File.WriteAllLines(path, lines);
            }
        }

        [GeneratedRegex(@"[\[\],]")]
        private static partial Regex TypeName();
    }
}
