using System.Collections.Frozen;
using System.Text;

namespace XAnalytics.Reports.Reference;

/// <summary>
/// ISO 3166-1 alpha-2 codes with the English short names GeoIP2/GeoLite2 report
/// (<c>country.names.en</c>), and the join from those names to Factbook row names.
/// </summary>
/// <remarks>
/// The join compares names folded by <see cref="Fold"/> (ASCII letters and digits only,
/// lower case, accents dropped), so <c>Timor-Leste</c>, <c>Cocos [Keeling] Islands</c> and
/// <c>São Tomé and Príncipe</c> find their rows without help. <see cref="s_aliases"/>
/// covers the names that differ in words: the Factbook's inverted forms ("Korea, South" is
/// stored as <c>Korea South</c>), its 2009 names (<c>Burma</c>, <c>Swaziland</c>,
/// <c>Macedonia</c>, <c>Czech Republic</c>), and MaxMind's own forms ("DR Congo",
/// "Hashemite Kingdom of Jordan"). Left without a row on purpose: PS (the Factbook splits
/// it into West Bank and Gaza Strip), SS (did not exist in 2009), AX, GF, GP, MQ, RE (parts
/// of Finland and France, no rows of their own), and the uninhabited territories the loader
/// drops (AQ, BV, GS, HM, IO, TF, UM).
/// </remarks>
internal static class IsoCountries
{
    /// <summary>ISO code to the English name GeoIP reports.</summary>
    public static readonly FrozenDictionary<string, string> Names = new KeyValuePair<string, string>[]
    {
        new("AD", "Andorra"), new("AE", "United Arab Emirates"), new("AF", "Afghanistan"), new("AG", "Antigua and Barbuda"),
        new("AI", "Anguilla"), new("AL", "Albania"), new("AM", "Armenia"), new("AO", "Angola"), new("AQ", "Antarctica"),
        new("AR", "Argentina"), new("AS", "American Samoa"), new("AT", "Austria"), new("AU", "Australia"), new("AW", "Aruba"),
        new("AX", "Åland"), new("AZ", "Azerbaijan"), new("BA", "Bosnia and Herzegovina"), new("BB", "Barbados"),
        new("BD", "Bangladesh"), new("BE", "Belgium"), new("BF", "Burkina Faso"), new("BG", "Bulgaria"), new("BH", "Bahrain"),
        new("BI", "Burundi"), new("BJ", "Benin"), new("BL", "Saint Barthélemy"), new("BM", "Bermuda"), new("BN", "Brunei"),
        new("BO", "Bolivia"), new("BQ", "Bonaire, Sint Eustatius, and Saba"), new("BR", "Brazil"), new("BS", "Bahamas"),
        new("BT", "Bhutan"), new("BV", "Bouvet Island"), new("BW", "Botswana"), new("BY", "Belarus"), new("BZ", "Belize"),
        new("CA", "Canada"), new("CC", "Cocos [Keeling] Islands"), new("CD", "DR Congo"), new("CF", "Central African Republic"),
        new("CG", "Congo Republic"), new("CH", "Switzerland"), new("CI", "Ivory Coast"), new("CK", "Cook Islands"),
        new("CL", "Chile"), new("CM", "Cameroon"), new("CN", "China"), new("CO", "Colombia"), new("CR", "Costa Rica"),
        new("CU", "Cuba"), new("CV", "Cabo Verde"), new("CW", "Curaçao"), new("CX", "Christmas Island"), new("CY", "Cyprus"),
        new("CZ", "Czechia"), new("DE", "Germany"), new("DJ", "Djibouti"), new("DK", "Denmark"), new("DM", "Dominica"),
        new("DO", "Dominican Republic"), new("DZ", "Algeria"), new("EC", "Ecuador"), new("EE", "Estonia"), new("EG", "Egypt"),
        new("EH", "Western Sahara"), new("ER", "Eritrea"), new("ES", "Spain"), new("ET", "Ethiopia"), new("FI", "Finland"),
        new("FJ", "Fiji"), new("FK", "Falkland Islands"), new("FM", "Federated States of Micronesia"), new("FO", "Faroe Islands"),
        new("FR", "France"), new("GA", "Gabon"), new("GB", "United Kingdom"), new("GD", "Grenada"), new("GE", "Georgia"),
        new("GF", "French Guiana"), new("GG", "Guernsey"), new("GH", "Ghana"), new("GI", "Gibraltar"), new("GL", "Greenland"),
        new("GM", "Gambia"), new("GN", "Guinea"), new("GP", "Guadeloupe"), new("GQ", "Equatorial Guinea"), new("GR", "Greece"),
        new("GS", "South Georgia and the South Sandwich Islands"), new("GT", "Guatemala"), new("GU", "Guam"),
        new("GW", "Guinea-Bissau"), new("GY", "Guyana"), new("HK", "Hong Kong"), new("HM", "Heard Island and McDonald Islands"),
        new("HN", "Honduras"), new("HR", "Croatia"), new("HT", "Haiti"), new("HU", "Hungary"), new("ID", "Indonesia"),
        new("IE", "Ireland"), new("IL", "Israel"), new("IM", "Isle of Man"), new("IN", "India"),
        new("IO", "British Indian Ocean Territory"), new("IQ", "Iraq"), new("IR", "Iran"), new("IS", "Iceland"),
        new("IT", "Italy"), new("JE", "Jersey"), new("JM", "Jamaica"), new("JO", "Hashemite Kingdom of Jordan"),
        new("JP", "Japan"), new("KE", "Kenya"), new("KG", "Kyrgyzstan"), new("KH", "Cambodia"), new("KI", "Kiribati"),
        new("KM", "Comoros"), new("KN", "St Kitts and Nevis"), new("KP", "North Korea"), new("KR", "South Korea"),
        new("KW", "Kuwait"), new("KY", "Cayman Islands"), new("KZ", "Kazakhstan"), new("LA", "Laos"), new("LB", "Lebanon"),
        new("LC", "Saint Lucia"), new("LI", "Liechtenstein"), new("LK", "Sri Lanka"), new("LR", "Liberia"), new("LS", "Lesotho"),
        new("LT", "Republic of Lithuania"), new("LU", "Luxembourg"), new("LV", "Latvia"), new("LY", "Libya"), new("MA", "Morocco"),
        new("MC", "Monaco"), new("MD", "Republic of Moldova"), new("ME", "Montenegro"), new("MF", "Saint Martin"),
        new("MG", "Madagascar"), new("MH", "Marshall Islands"), new("MK", "North Macedonia"), new("ML", "Mali"),
        new("MM", "Myanmar"), new("MN", "Mongolia"), new("MO", "Macao"), new("MP", "Northern Mariana Islands"),
        new("MQ", "Martinique"), new("MR", "Mauritania"), new("MS", "Montserrat"), new("MT", "Malta"), new("MU", "Mauritius"),
        new("MV", "Maldives"), new("MW", "Malawi"), new("MX", "Mexico"), new("MY", "Malaysia"), new("MZ", "Mozambique"),
        new("NA", "Namibia"), new("NC", "New Caledonia"), new("NE", "Niger"), new("NF", "Norfolk Island"), new("NG", "Nigeria"),
        new("NI", "Nicaragua"), new("NL", "Netherlands"), new("NO", "Norway"), new("NP", "Nepal"), new("NR", "Nauru"),
        new("NU", "Niue"), new("NZ", "New Zealand"), new("OM", "Oman"), new("PA", "Panama"), new("PE", "Peru"),
        new("PF", "French Polynesia"), new("PG", "Papua New Guinea"), new("PH", "Philippines"), new("PK", "Pakistan"),
        new("PL", "Poland"), new("PM", "Saint Pierre and Miquelon"), new("PN", "Pitcairn Islands"), new("PR", "Puerto Rico"),
        new("PS", "Palestine"), new("PT", "Portugal"), new("PW", "Palau"), new("PY", "Paraguay"), new("QA", "Qatar"),
        new("RE", "Réunion"), new("RO", "Romania"), new("RS", "Serbia"), new("RU", "Russia"), new("RW", "Rwanda"),
        new("SA", "Saudi Arabia"), new("SB", "Solomon Islands"), new("SC", "Seychelles"), new("SD", "Sudan"), new("SE", "Sweden"),
        new("SG", "Singapore"), new("SH", "Saint Helena"), new("SI", "Slovenia"), new("SJ", "Svalbard and Jan Mayen"),
        new("SK", "Slovakia"), new("SL", "Sierra Leone"), new("SM", "San Marino"), new("SN", "Senegal"), new("SO", "Somalia"),
        new("SR", "Suriname"), new("SS", "South Sudan"), new("ST", "São Tomé and Príncipe"), new("SV", "El Salvador"),
        new("SX", "Sint Maarten"), new("SY", "Syria"), new("SZ", "Eswatini"), new("TC", "Turks and Caicos Islands"),
        new("TD", "Chad"), new("TF", "French Southern Territories"), new("TG", "Togo"), new("TH", "Thailand"),
        new("TJ", "Tajikistan"), new("TK", "Tokelau"), new("TL", "Timor-Leste"), new("TM", "Turkmenistan"), new("TN", "Tunisia"),
        new("TO", "Tonga"), new("TR", "Turkey"), new("TT", "Trinidad and Tobago"), new("TV", "Tuvalu"), new("TW", "Taiwan"),
        new("TZ", "Tanzania"), new("UA", "Ukraine"), new("UG", "Uganda"), new("UM", "U.S. Outlying Islands"),
        new("US", "United States"), new("UY", "Uruguay"), new("UZ", "Uzbekistan"), new("VA", "Vatican City"),
        new("VC", "St Vincent and Grenadines"), new("VE", "Venezuela"), new("VG", "British Virgin Islands"),
        new("VI", "U.S. Virgin Islands"), new("VN", "Vietnam"), new("VU", "Vanuatu"), new("WF", "Wallis and Futuna"),
        new("WS", "Samoa"), new("XK", "Kosovo"), new("YE", "Yemen"), new("YT", "Mayotte"), new("ZA", "South Africa"),
        new("ZM", "Zambia"), new("ZW", "Zimbabwe"),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // ISO code to Factbook row name where the folded names differ in words.
    private static readonly KeyValuePair<string, string>[] s_aliases =
    [
        new("BQ", "Netherlands Antilles"), // dissolved in 2010; the 2009 Factbook still has it
        new("BS", "Bahamas The"),
        new("CD", "Congo Democratic Republic of the"),
        new("CG", "Congo Republic of the"),
        new("CI", "Cote d'Ivoire"),
        new("CV", "Cape Verde"),
        new("CW", "Netherlands Antilles"),
        new("CZ", "Czech Republic"),
        new("FK", "Falkland Islands (Islas Malvinas)"),
        new("FM", "Micronesia Federated States of"),
        new("GM", "Gambia The"),
        new("JO", "Jordan"),
        new("KP", "Korea North"),
        new("KR", "Korea South"),
        new("LT", "Lithuania"),
        new("MD", "Moldova"),
        new("MK", "Macedonia"),
        new("MM", "Burma"),
        new("MO", "Macau"),
        new("SJ", "Svalbard"), // Jan Mayen, uninhabited, is dropped by the loader
        new("SX", "Netherlands Antilles"),
        new("SZ", "Swaziland"),
        new("VA", "Holy See (Vatican City)"),
        new("VC", "Saint Vincent and the Grenadines"),
        new("VI", "Virgin Islands"),
        new("KN", "Saint Kitts and Nevis"),
    ];

    /// <summary>
    /// Joins ISO codes to Factbook row names: an alias when one exists and names a row,
    /// otherwise the row whose folded name equals the folded GeoIP name.
    /// </summary>
    public static FrozenDictionary<string, string> Join(IEnumerable<string> factbookNames)
    {
        var byFolded = new Dictionary<string, string>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in factbookNames)
        {
            byFolded.TryAdd(Fold(name), name);
            present.Add(name);
        }

        var aliases = s_aliases.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.OrdinalIgnoreCase);
        var join = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, geoIpName) in Names)
        {
            if (aliases.TryGetValue(code, out var alias))
            {
                if (present.Contains(alias))
                {
                    join[code] = alias;
                }
            }
            else if (byFolded.TryGetValue(Fold(geoIpName), out var row))
            {
                join[code] = row;
            }
        }

        return join.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>ASCII letters and digits only, lower case; the accented letters in <see cref="Names"/> fold to their base letter.</summary>
    internal static string Fold(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var folded = c switch
            {
                'á' or 'à' or 'â' or 'ã' or 'ä' or 'å' or 'Å' or 'Á' => 'a',
                'ç' or 'Ç' => 'c',
                'é' or 'è' or 'ê' or 'ë' or 'É' => 'e',
                'í' or 'ì' or 'î' or 'ï' => 'i',
                'ó' or 'ò' or 'ô' or 'õ' or 'ö' => 'o',
                'ú' or 'ù' or 'û' or 'ü' => 'u',
                _ => char.ToLowerInvariant(c),
            };
            if (char.IsAsciiLetterOrDigit(folded))
            {
                sb.Append(folded);
            }
        }

        return sb.ToString();
    }
}
