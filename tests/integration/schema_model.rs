//! The schema and the model tables must agree: every event the model knows is a declared
//! action of its service group, applying to the resource type the model builds for it.

use std::path::Path;

use snapback::model::SERVICES;

#[test]
fn every_modelled_event_is_declared_with_its_resource_type() {
    let pack = snapback::load_policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"))
        .unwrap_or_else(|e| panic!("policies do not validate: {e:?}"));
    let schema = pack.schema().unwrap();
    let declared: Vec<String> = schema
        .actions()
        .map(|a| a.id().unescaped().to_owned())
        .collect();
    let mut problems = Vec::new();
    for (service, events) in SERVICES {
        for spec in *events {
            let action = format!("{service}:{}", spec.name);
            let uid: cedar_policy::EntityUid = match format!("Aws::Action::{action:?}").parse() {
                Ok(uid) => uid,
                Err(e) => panic!("bad action uid {action}: {e}"),
            };
            if !declared.contains(&action) {
                problems.push(format!(
                    "{action} is modelled but not declared in snapback.cedarschema"
                ));
                continue;
            }
            let resources: Vec<String> = schema
                .resources_for_action(&uid)
                .map(|r| r.map(ToString::to_string).collect())
                .unwrap_or_default();
            let expected = format!("Aws::{}", spec.resource.ty);
            if resources != [expected.clone()] {
                problems.push(format!(
                    "{action} applies to {resources:?} in the schema, the model builds {expected}"
                ));
            }
        }
    }
    for action in &declared {
        let Some((service, name)) = action.split_once(':') else {
            continue;
        };
        if snapback::model::spec(service, name).is_none() {
            problems.push(format!(
                "{action} is declared in the schema but not modelled in src/model/"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
