//! The demo's sufficiency picture for Norfolk (issue 19): a capacity return of special schools,
//! specialist resource bases, alternative provision and the hospital school, EHCP counts of about
//! 10,000 children by need, age and district, and two scenarios. Both files are made as CSV and
//! brought in through the same operation as a council's own.

use crate::sufficiency::ReturnKind;
use crate::{Actor, App, AppResult};
use chrono::Duration;
use mns_domain::sufficiency::ScenarioForm;

const DISTRICTS: [(&str, f64); 7] = [
    ("Norwich", 0.17),
    ("Broadland", 0.15),
    ("South Norfolk", 0.16),
    ("Breckland", 0.16),
    ("King's Lynn and West Norfolk", 0.17),
    ("North Norfolk", 0.1),
    ("Great Yarmouth", 0.09),
];

const NEEDS: [(&str, f64); 12] = [
    ("ASD", 0.33),
    ("SEMH", 0.2),
    ("SLCN", 0.15),
    ("MLD", 0.09),
    ("SLD", 0.07),
    ("PMLD", 0.02),
    ("SPLD", 0.04),
    ("PD", 0.03),
    ("HI", 0.02),
    ("VI", 0.01),
    ("MSI", 0.005),
    ("OTH", 0.035),
];

/// (provider, kind, need, phase, district, places)
const PLACES: &str = "provider,kind,need,phase,district,places
Chapel Green School,special_school,SLD,primary,Broadland,110
Chapel Green School,special_school,PMLD,primary,Broadland,40
Harford Manor School,special_school,SLD,secondary,Norwich,120
Harford Manor School,special_school,SLD,post16,Norwich,40
Eaton Hall Specialist Academy,special_school,SEMH,secondary,Norwich,90
Fred Nicholson School,special_school,MLD,secondary,Breckland,180
Fred Nicholson School,special_school,MLD,primary,Breckland,60
The Parkside School,special_school,MLD,secondary,Norwich,180
The Parkside School,special_school,ASD,secondary,Norwich,60
John Grant School,special_school,SLD,primary,Great Yarmouth,60
John Grant School,special_school,SLD,secondary,Great Yarmouth,80
Sheringham Woodfields School,special_school,SLD,secondary,North Norfolk,70
Churchill Park Academy,special_school,SLD,secondary,King's Lynn and West Norfolk,140
Churchill Park Academy,special_school,PMLD,primary,King's Lynn and West Norfolk,30
Chapel Road School,special_school,ASD,primary,Breckland,100
Chapel Road School,special_school,ASD,secondary,Breckland,80
The Bridge Academy,special_school,ASD,secondary,South Norfolk,120
Duke's Head Academy,special_school,SEMH,primary,King's Lynn and West Norfolk,60
Easton SEMH School,special_school,SEMH,secondary,South Norfolk,100
Norwich specialist resource bases,resource_base,ASD,primary,Norwich,48
Norwich specialist resource bases,resource_base,SLCN,primary,Norwich,40
Broadland specialist resource bases,resource_base,ASD,secondary,Broadland,36
South Norfolk specialist resource bases,resource_base,SEMH,primary,South Norfolk,32
West Norfolk specialist resource bases,resource_base,ASD,primary,King's Lynn and West Norfolk,40
Great Yarmouth specialist resource bases,resource_base,SLCN,primary,Great Yarmouth,24
North Norfolk specialist resource bases,resource_base,HI,primary,North Norfolk,12
Short Stay School for Norfolk (Norwich),alternative_provision,SEMH,secondary,Norwich,4
Short Stay School for Norfolk (Great Yarmouth),alternative_provision,SEMH,secondary,Great Yarmouth,2
Short Stay School for Norfolk (King's Lynn),alternative_provision,SEMH,secondary,King's Lynn and West Norfolk,3
Norfolk Hospital School,hospital_school,OTH,secondary,Norwich,30
";

/// How many children of each age (4 to 18) have a plan, of about 10,000: most in the middle
/// years.
fn age_weight(age: u8) -> f64 {
    match age {
        4..=6 => 0.045,
        7..=10 => 0.065,
        11..=15 => 0.085,
        16 => 0.06,
        17 => 0.045,
        _ => 0.03,
    }
}

impl App {
    /// Brings in the demo's returns and scenarios as the SEND team.
    pub(super) async fn load_demo_sufficiency(&self, send: &Actor) -> AppResult<()> {
        let census = self.today() - Duration::days(60);
        self.import_sufficiency_return(
            send,
            ReturnKind::Capacity,
            Some(census),
            "scap-2026.csv",
            PLACES.as_bytes(),
        )
        .await?;
        let mut ehcp = String::from("need,age,district,count\n");
        for (district, dw) in DISTRICTS {
            for (need, nw) in NEEDS {
                for age in 4..=18u8 {
                    let n = (10_000.0 * dw * nw * age_weight(age)).round();
                    if n > 0.0 {
                        ehcp.push_str(&format!("{need},{age},{district},{n}\n"));
                    }
                }
            }
        }
        self.import_sufficiency_return(
            send,
            ReturnKind::Ehcp,
            Some(census),
            "sen2-2026.csv",
            ehcp.as_bytes(),
        )
        .await?;
        for (name, intake, primary, secondary, post16, share) in [
            ("Trend continues", "8", "6", "4", "-15", "38"),
            ("Early support takes effect", "3", "2", "1", "-20", "33"),
        ] {
            self.add_scenario(
                send,
                &ScenarioForm {
                    name: name.into(),
                    intake: intake.into(),
                    primary: primary.into(),
                    secondary: secondary.into(),
                    post16: post16.into(),
                    specialist_share: share.into(),
                },
            )
            .await?;
        }
        Ok(())
    }
}
