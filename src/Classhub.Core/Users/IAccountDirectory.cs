using Classhub.Core.Results;

namespace Classhub.Core.Users;

/// <summary>
/// Plug point: the machine's Unix accounts as the hub (root) sees and makes them: the password database and useradd,
/// implemented by the spawning layer; unit tests of one component use a fake.
/// <para>Contract:</para>
/// <list type="bullet">
/// <item><see cref="Find"/> answers from the password and group databases (NSS: files, LDAP, sssd alike); null for no
/// such account. It never throws for a missing or invalid name.</item>
/// <item><see cref="CreateAsync"/> makes a new account with its home (mode 0700, from /etc/skel) and a uid in the
/// configured range. It never takes over an account that exists: a taken name fails with reason
/// <c>account-exists</c>. Other failures (useradd missing or refusing) are values too. It is not cancelled half-way
/// (a killed useradd can leave an account without its home).</item>
/// <item><see cref="LockAsync"/> serialises "look, then create" across every classhub process (hub and CLI); hold it
/// around both, and around recording the result.</item>
/// <item><see cref="Home"/> and <see cref="MakeHomePrivate"/> reach the home by descriptor: its parent by path (the
/// system's folder), the home itself with O_NOFOLLOW|O_DIRECTORY, so a home that is (or was swapped for) a symlink is
/// refused, never followed. <see cref="MakeHomePrivate"/> removes the group and other permission bits (fchmod) and
/// only from a folder owned by the account.</item>
/// </list>
/// </summary>
public interface IAccountDirectory
{
    SystemAccount? Find(string name);

    Task<Result<SystemAccount>> CreateAsync(string name, CancellationToken cancellationToken);

    Task<IDisposable> LockAsync(CancellationToken cancellationToken);

    Result<HomeInfo> Home(SystemAccount account);

    Result<HomeInfo> MakeHomePrivate(SystemAccount account);
}
