//! `code_enum!`: a typed state or enumeration stored as a stable code, with its 中文 and English
//! labels. One declaration gives the enum, code ↔ label ↔ parse, serde as the code, and the
//! `CHOICES` table the filter selects take. Compare values as enums, never as strings; the
//! code appears only where the value is stored (a String column, an SQL filter, a URL).
//!
//! ```ignore
//! code_enum! {
//!     /// E-42 审核状态
//!     pub enum ReviewStatus {
//!         Draft = ("draft", "草稿", "Draft"),
//!         Pending = ("pending", "待审核", "Pending"),
//!     }
//! }
//! assert_eq!(ReviewStatus::parse("draft"), Some(ReviewStatus::Draft));
//! assert_eq!(ReviewStatus::Pending.label(Locale::Zh), "待审核");
//! let c: customer::Model = …; // stores `review_status: String`
//! c.review_status() == Some(ReviewStatus::Pending) // a method on the model, next to the enum
//! ```
//!
//! Codes are stored: never rename one (add a variant, or migrate the data).

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $( $(#[$vmeta])* $variant ),+ }

        #[allow(dead_code)]
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// (code, 中文, English) in display order, for selects and `members::enums::label`.
            pub const CHOICES: &'static [$crate::members::enums::Choice] = &[$(($code, $zh, $en)),+];
            const CODES: &'static [&'static str] = &[$($code),+];

            /// The stored code.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub const fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub const fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// The label in `locale`.
            pub fn label(self, locale: $crate::i18n::Locale) -> &'static str {
                match locale {
                    $crate::i18n::Locale::Zh => self.zh(),
                    $crate::i18n::Locale::En => self.en(),
                }
            }
            /// The value stored as `code`; `None` for anything else (exact match, no trimming).
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::AppError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or_else(|| {
                    let shown: String = s.chars().take(40).collect();
                    $crate::error::AppError::rejected(
                        &format!("无法识别的取值「{shown}」"),
                        &format!("Unknown {} code \"{shown}\"", stringify!($name)),
                    )
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| <D::Error as ::serde::de::Error>::unknown_variant(&s, Self::CODES))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::i18n::Locale;

    code_enum! {
        /// A test enumeration.
        pub enum Fruit {
            Apple = ("apple", "苹果", "Apple"),
            /// Documented variant.
            BloodOrange = ("blood_orange", "血橙", "Blood orange"),
        }
    }

    #[test]
    fn code_label_parse_round_trip() {
        for f in Fruit::ALL {
            assert_eq!(Fruit::parse(f.code()), Some(*f));
            assert_eq!(f.code().parse::<Fruit>().unwrap(), *f);
            assert_eq!(f.to_string(), f.code());
        }
        assert_eq!(Fruit::BloodOrange.code(), "blood_orange");
        assert_eq!(Fruit::BloodOrange.label(Locale::Zh), "血橙");
        assert_eq!(Fruit::BloodOrange.label(Locale::En), "Blood orange");
        assert_eq!(Fruit::CHOICES, &[("apple", "苹果", "Apple"), ("blood_orange", "血橙", "Blood orange")]);
        assert_eq!(crate::members::enums::label(Fruit::CHOICES, "apple"), ("苹果", "Apple"));
    }

    #[test]
    fn unknown_codes_are_refused() {
        for bad in ["", "Apple", " apple", "apple ", "APPLE", "苹果", "pear"] {
            assert_eq!(Fruit::parse(bad), None, "{bad:?}");
            let e = bad.parse::<Fruit>().unwrap_err();
            assert!(matches!(e, crate::error::AppError::Rejected(_)), "{e:?}");
            assert!(e.message(Locale::Zh).contains("无法识别"));
        }
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Fruit::BloodOrange).unwrap(), "\"blood_orange\"");
        assert_eq!(serde_json::from_str::<Fruit>("\"apple\"").unwrap(), Fruit::Apple);
        let v: Vec<Fruit> = serde_json::from_str("[\"blood_orange\",\"apple\"]").unwrap();
        assert_eq!(v, vec![Fruit::BloodOrange, Fruit::Apple]);
        let e = serde_json::from_str::<Fruit>("\"BloodOrange\"").unwrap_err().to_string();
        assert!(e.contains("unknown variant") && e.contains("blood_orange"), "{e}");
        assert!(serde_json::from_str::<Fruit>("1").is_err());
    }
}
