using System.Globalization;
using Classhub.Hub.Assignments.Files;

namespace Classhub.Cli;

/// <summary>
/// The staff member behind <c>sudo classhub ...</c>: sudo's SUDO_UID and SUDO_GID, when the CLI runs as root and they
/// name someone other than root. Only root can start the CLI with root's privileges, so these are as trusted as the
/// command line itself. Files the CLI writes for staff (collected submissions) are given to them, and files they own
/// are trusted as feedback; without sudo (root's own shell) there is no one to give them to and they stay root's.
/// </summary>
internal static class SudoCaller
{
    public static FileOwner? Owner =>
        Environment.IsPrivilegedProcess
        && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_UID"), NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uid != 0
        && uint.TryParse(Environment.GetEnvironmentVariable("SUDO_GID"), NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
            ? new FileOwner(uid, gid)
            : null;
}
