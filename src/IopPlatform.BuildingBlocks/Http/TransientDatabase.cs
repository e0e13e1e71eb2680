using System.Net.Sockets;

namespace IopPlatform.BuildingBlocks.Http;

/// <summary>Tells a database that cannot be reached from a bug, so the caller gets 503 and may retry.</summary>
public static class TransientDatabase
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException:
                case TimeoutException:
                case Npgsql.NpgsqlException { IsTransient: true }:
                case DbException { IsTransient: true }:
                    return true;
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
            }
        }
        return false;
    }
}
