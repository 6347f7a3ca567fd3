using System.Text;

namespace Classhub.Configuration;

/// <summary>The documented default configuration (what the package installs as /etc/classhub/classhub.json).</summary>
internal static class DefaultConfigFile
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("// classhub configuration. JSON with comments. Every key is listed with its default and meaning;\n")
            .Append("// change a value here or with 'classhub config set KEY VALUE', then check with 'classhub config check'.\n")
            .Append("// Unknown keys are an error at start-up, with the fix in the message.\n{\n");
        var groups = ConfigSchema.Keys.GroupBy(k => k.Name.Contains('.', StringComparison.Ordinal) ? k.Name[..k.Name.IndexOf('.', StringComparison.Ordinal)] : "").ToList();
        var first = true;
        foreach (var key in groups.Where(g => g.Key == "").SelectMany(g => g))
        {
            Member(text, key.Doc, key.Name, key.DefaultJson, "  ", ref first);
        }

        foreach (var group in groups.Where(g => g.Key != ""))
        {
            text.Append(first ? "" : ",\n").Append("  \"").Append(group.Key).Append("\": {\n");
            first = false;
            var innerFirst = true;
            foreach (var key in group)
            {
                Member(text, key.Doc, key.Name[(group.Key.Length + 1)..], key.DefaultJson, "    ", ref innerFirst);
            }

            text.Append("\n  }");
        }

        return text.Append("\n}\n").ToString();
    }

    private static void Member(StringBuilder text, string doc, string name, string json, string indent, ref bool first)
    {
        text.Append(first ? "" : ",\n").Append(indent).Append("// ").Append(doc).Append('\n').Append(indent).Append('"').Append(name).Append("\": ").Append(json);
        first = false;
    }
}
