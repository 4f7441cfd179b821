using Microsoft.Data.Sqlite;

namespace XAnalytics.Reports.Reference;

/// <summary>One column of the <c>cia</c> table.</summary>
/// <param name="Name">The SQL column name, cleaned from the header (<c>GDP_per_capita_PPP</c>).</param>
/// <param name="Source">The header it came from (<c>GDP - per capita (PPP)</c>), or <c>languages.csv</c> for <c>language_list</c>.</param>
/// <param name="Type">
/// <see cref="SqliteType.Integer"/> or <see cref="SqliteType.Real"/> for numeric columns,
/// <see cref="SqliteType.Text"/> otherwise (also for columns with no values at all).
/// </param>
public sealed record CiaField(string Name, string Source, SqliteType Type)
{
    /// <summary>The type as written in <c>CREATE TABLE</c>: <c>INTEGER</c>, <c>REAL</c> or <c>TEXT</c>.</summary>
    public string SqlType => Type switch
    {
        SqliteType.Integer => "INTEGER",
        SqliteType.Real => "REAL",
        _ => "TEXT",
    };
}
