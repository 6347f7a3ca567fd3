namespace Classhub.Hub.Courses.Roster;

/// <summary>Placeholder until the table-driven NFC lands.</summary>
internal static class UnicodeNfc
{
    public static string Normalize(string value) => value.Normalize(System.Text.NormalizationForm.FormC);
}
