using System.Globalization;
using System.Runtime.InteropServices;
using Classhub.Core.Users;

namespace Classhub.Spawning.Unix;

/// <summary>Looks accounts up in the password database (NSS: files, LDAP, sssd alike) via getpwnam_r/getgrouplist.</summary>
internal static unsafe class UnixAccounts
{
    /// <summary>The account named <paramref name="name"/>, or null when there is none.</summary>
    public static UnixAccount? FindByName(string name) =>
        Lookup((pwd, buf, len, result) => LibC.GetPwNamR(name, pwd, buf, len, result), name);

    /// <summary>The account of <paramref name="uid"/>, or null when there is none.</summary>
    public static UnixAccount? FindByUid(uint uid) =>
        Lookup((pwd, buf, len, result) => LibC.GetPwUidR(uid, pwd, buf, len, result), $"uid {uid}");

    public static bool IsRoot => LibC.GetEUid() == 0;

    /// <summary>The account with its groups named, as the account rules read it.</summary>
    public static SystemAccount ToSystem(UnixAccount account) =>
        new(account.Name, account.Uid, account.Gid, account.Home, [.. account.Groups.Prepend(account.Gid).Distinct().Select(g => new SystemGroup(g, GroupName(g)))]);

    /// <summary>The name of group <paramref name="gid"/>, or the number itself when the group database has none.</summary>
    public static string GroupName(uint gid)
    {
        var size = 1024;
        while (true)
        {
            var buffer = new byte[size];
            fixed (byte* buf = buffer)
            {
                LibC.Group group;
                LibC.Group* result = null;
                var rc = LibC.GetGrGidR(gid, &group, buf, (nuint)size, &result);
                if (rc == LibC.ERANGE && size < 1 << 22)
                {
                    size *= 4;
                    continue;
                }

                if (rc == LibC.EINTR)
                {
                    continue;
                }

                return rc == 0 && result is not null
                    ? Marshal.PtrToStringUTF8((nint)group.Name) ?? gid.ToString(CultureInfo.InvariantCulture)
                    : gid.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    private delegate int Getter(LibC.Passwd* pwd, byte* buf, nuint buflen, LibC.Passwd** result);

    private static UnixAccount? Lookup(Getter getter, string what)
    {
        var size = 1024;
        while (true)
        {
            var buffer = new byte[size];
            fixed (byte* buf = buffer)
            {
                LibC.Passwd pwd;
                LibC.Passwd* result = null;
                var rc = getter(&pwd, buf, (nuint)size, &result);
                if (rc == LibC.ERANGE && size < 1 << 20)
                {
                    size *= 4;
                    continue;
                }

                if (rc == LibC.EINTR)
                {
                    continue;
                }

                if (rc != 0)
                {
                    throw new InvalidOperationException($"looking up {what} in the password database failed: errno {rc}");
                }

                if (result is null)
                {
                    return null;
                }

                var name = Marshal.PtrToStringUTF8((nint)pwd.Name) ?? "";
                return new UnixAccount(
                    name,
                    pwd.Uid,
                    pwd.Gid,
                    Marshal.PtrToStringUTF8((nint)pwd.Dir) ?? "/",
                    Marshal.PtrToStringUTF8((nint)pwd.Shell) ?? "/bin/sh",
                    GroupsOf(name, pwd.Gid));
            }
        }
    }

    /// <summary>All groups of <paramref name="user"/>, its primary group included.</summary>
    private static uint[] GroupsOf(string user, uint gid)
    {
        var count = 32;
        while (true)
        {
            var groups = new uint[count];
            var n = count;
            int rc;
            fixed (uint* p = groups)
            {
                rc = LibC.GetGroupList(user, gid, p, &n);
            }

            if (rc >= 0)
            {
                return groups[..n];
            }

            // -1: the array was too small; n now holds the number needed.
            count = Math.Max(n, count * 2);
        }
    }
}
