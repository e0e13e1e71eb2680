using System.Data;

namespace IopPlatform.BuildingBlocks.Data;

/// <summary>
/// SQLite keeps Guid and DateTimeOffset as TEXT; Npgsql refuses non-UTC offsets. These handlers make one set of
/// Dapper calls work on all three engines.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }
        // Dapper ignores a handler's write side for these types until their built-in map is removed.
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        // SQLite's NUMERIC hands back INTEGER or REAL per row (9 vs 2.5); Dapper compiles its reader from the first row's
        // type, so a later row of the other type failed to cast. Converting the boxed value accepts both.
        SqlMapper.RemoveTypeMap(typeof(decimal));
        SqlMapper.RemoveTypeMap(typeof(decimal?));
        SqlMapper.AddTypeHandler(new DecimalHandler());
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new TimeOnlyHandler());
    }

    private sealed class DecimalHandler : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value)
        {
            parameter.DbType = DbType.Decimal;
            parameter.Value = value;
        }

        public override decimal Parse(object value) => Convert.ToDecimal(value, CultureInfo.InvariantCulture);
    }

    /// <summary>A value SQLite keeps as fixed-format TEXT and the other engines in their native type.</summary>
    private abstract class TextOnSqliteHandler<T>(DbType native) : SqlMapper.TypeHandler<T>
    {
        public sealed override void SetValue(IDbDataParameter parameter, T? value)
        {
            if (parameter is Microsoft.Data.Sqlite.SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = ToText(value!);
            }
            else
            {
                parameter.DbType = native;
                parameter.Value = ToNative(value!);
            }
        }

        protected abstract string ToText(T value);

        protected virtual object ToNative(T value) => value!;

        protected static DataException Unreadable(object value) => new($"Cannot read {value.GetType()} as {typeof(T).Name}");
    }

    private sealed class GuidHandler() : TextOnSqliteHandler<Guid>(DbType.Guid)
    {
        protected override string ToText(Guid value) => value.ToString("D");

        public override Guid Parse(object value) => value switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            byte[] b => new Guid(b),
            _ => throw Unreadable(value),
        };
    }

    private sealed class DateTimeOffsetHandler() : TextOnSqliteHandler<DateTimeOffset>(DbType.DateTimeOffset)
    {
        // Fixed width so text order equals time order.
        protected override string ToText(DateTimeOffset value) =>
            value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);

        protected override object ToNative(DateTimeOffset value) => value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d.ToUniversalTime(),
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
            _ => throw Unreadable(value),
        };
    }

    private sealed class DateOnlyHandler() : TextOnSqliteHandler<DateOnly>(DbType.Date)
    {
        protected override string ToText(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        public override DateOnly Parse(object value) => value switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            string s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
            _ => throw Unreadable(value),
        };
    }

    private sealed class TimeOnlyHandler() : TextOnSqliteHandler<TimeOnly>(DbType.Time)
    {
        protected override string ToText(TimeOnly value) => value.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

        public override TimeOnly Parse(object value) => value switch
        {
            TimeOnly t => t,
            TimeSpan ts => TimeOnly.FromTimeSpan(ts),
            DateTime dt => TimeOnly.FromDateTime(dt),
            string s => TimeOnly.Parse(s, CultureInfo.InvariantCulture),
            _ => throw Unreadable(value),
        };
    }
}
