//! Property tests: any valid content survives writing and reading unchanged.

mod strategies;

use proptest::prelude::*;
use strategies::type_info;
use type_info_schema::TypeInfo;

proptest! {
    #[test]
    fn writing_then_reading_gives_back_the_same_content(mut info in type_info()) {
        let text = info.to_json().unwrap();
        let read = TypeInfo::from_json(text.as_bytes(), "t.json".as_ref()).unwrap();
        info.normalize();
        prop_assert_eq!(&read, &info);
        prop_assert_eq!(read.to_json().unwrap(), text);
    }

    #[test]
    fn every_binding_written_is_found_at_its_position(info in type_info()) {
        let read = TypeInfo::from_json(info.to_json().unwrap().as_bytes(), "t.json".as_ref()).unwrap();
        for (path, entry) in &info.files {
            for binding in &entry.bindings {
                let found = read.file(path).unwrap().binding_at(binding.line, binding.column);
                prop_assert_eq!(found, Some(binding));
            }
            for used in &entry.uses {
                prop_assert!(read.file(path).unwrap().uses_at(used.line, used.column).contains(used));
            }
            for site in &entry.sites {
                let found = read.file(path).unwrap().site_at(site.line, site.column, site.kind);
                prop_assert!(found.is_some());
            }
        }
    }
}
